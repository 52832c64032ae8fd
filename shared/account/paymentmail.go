package account

import (
	"context"
	"fmt"

	"github.com/citejardins/extranet/shared/payment"
)

// mailPaymentReceived confirms an online payment to every active account
// of the lease, each at its notice address (Account.NoticeEmail), once per
// address (two signatories may share one). A lease without an active
// account (closed meanwhile) gets none.
func (s *Service) mailPaymentReceived(ctx context.Context, j MailJob) error {
	accs, err := s.store.AccountsOf(ctx, j.Reference)
	if err != nil {
		return fmt.Errorf("accounts of a payment: %w", err)
	}
	// A notice, not a security one: it follows each tenant's notification
	// address, as the monthly notice does (Account.NoticeEmail). When a
	// mail fails the job runs again and may send the earlier ones twice: a
	// duplicate confirmation is better than a lost one.
	for _, acc := range ActiveRecipients(accs) {
		if err := s.send(ctx, paymentReceivedMail(acc.NoticeEmail(), s.firstName(ctx, acc.Key()), j.AmountCents, s.page("/mon-espace/paiements"))); err != nil {
			return err
		}
	}
	return nil
}

// ActiveRecipients keeps, of a lease's accounts, the active ones, one per
// notice address (Account.NoticeEmail, compared as EmailKey), in the order
// given: the accounts a mail to the lease goes to.
func ActiveRecipients(accs []Account) []Account {
	seen := map[string]bool{}
	var out []Account
	for _, a := range accs {
		k := EmailKey(a.NoticeEmail())
		if a.Status != Active || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, a)
	}
	return out
}

func paymentReceivedMail(to, firstName string, amountCents int64, paymentsURL string) Mail {
	amount := payment.Euros(amountCents)
	return notice{
		subject: "Votre paiement de " + amount + " est bien reçu",
		paras: []para{
			{text: "Nous avons bien reçu votre paiement en ligne de " + amount + ". Votre solde en tient déjà compte."},
			{text: "Il apparaît dans «\u00a0Mon solde\u00a0» comme «\u00a0paiement en ligne (en cours d’enregistrement)\u00a0» jusqu’à ce que la comptabilité l’enregistre\u00a0: vous n’avez rien d’autre à faire."},
			{text: "Vos paiements en ligne et leur état\u00a0:", link: paymentsURL},
			{text: "Si vous n’êtes pas à l’origine de ce paiement, contactez votre gestionnaire."},
		},
	}.mail(to, firstName)
}
