package portal

import (
	"log/slog"

	"github.com/citejardins/extranet/shared/account"
	"github.com/citejardins/extranet/shared/bankdetails"
	"github.com/citejardins/extranet/shared/dynamo"
)

// bankDetails builds "Mes coordonnées bancaires" (the banking function): the
// store, the account service's password check and limits, the lease's
// change limit, and the mailer of the account's mails (nil without
// MAIL_FROM). It makes no network call.
func bankDetails(store *dynamo.Store, accounts *account.Service, mailer account.Mailer, publicURL string, log *slog.Logger) *bankdetails.Service {
	return bankdetails.NewService(store, accounts, store, mailer, bankdetails.Config{PublicURL: publicURL}, nil, nil, log).WithAccounts(store)
}
