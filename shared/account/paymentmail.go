package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/citejardins/extranet/shared/payment"
)

// mailPaymentReceived confirms an online payment to the lease's account,
// at its notice address (Account.NoticeEmail). A lease without an active
// account (closed meanwhile) gets none.
func (s *Service) mailPaymentReceived(ctx context.Context, j MailJob) error {
	acc, err := s.store.Account(ctx, j.Reference)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("account of a payment: %w", err)
	}
	if acc.Status != Active {
		return nil
	}
	// A notice, not a security one: it follows the tenant's notification
	// address, as the monthly notice does (Account.NoticeEmail).
	return s.send(ctx, paymentReceivedMail(acc.NoticeEmail(), s.firstName(ctx, j.Reference), j.AmountCents, s.page("/mon-espace/paiements")))
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
