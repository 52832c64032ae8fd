package account

import "time"

// The mails of "Mon profil": the login email's link and notices, and the
// last mail of a deleted account.

var loginEmailLetter = letter{
	subject: "Confirmez votre nouvelle adresse de connexion",
	intro:   "Vous avez demandé que cette adresse devienne celle de votre compte Extranet Locataire\u00a0: vous vous connecterez avec elle, et les emails de sécurité y seront envoyés.",
	action:  "Pour confirmer cette adresse",
	button:  "Confirmer ma nouvelle adresse",
	ignore:  "Si vous n’êtes pas à l’origine de cette demande, ignorez cet email\u00a0: cette adresse ne sera pas utilisée.",
}

func loginEmailMail(to, firstName, link string, validity time.Duration) Mail {
	l := loginEmailLetter
	l.validity = validity
	return l.mail(to, firstName, link)
}

// loginEmailNotice tells the login address that another address was asked
// for: if the tenant did not ask, someone used their session and knows
// their password, and changing it voids the link.
func loginEmailNotice(to, firstName, newEmail, profile string) Mail {
	return notice{
		subject: "Demande de changement de votre adresse de connexion",
		paras: []para{
			{text: "Une demande a été faite depuis votre espace Extranet Locataire pour remplacer votre adresse de connexion par\u00a0: " + newEmail},
			{text: "Elle ne changera qu’une fois confirmée, par le lien que nous venons d’envoyer à cette adresse (sauf si elle est déjà celle d’un autre compte). D’ici là, rien ne change."},
			{text: "Si vous êtes à l’origine de cette demande, vous n’avez rien à faire ici."},
			{text: "Si ce n’est pas vous, changez tout de suite votre mot de passe dans «\u00a0Mon profil\u00a0» (ou avec «\u00a0Mot de passe oublié\u00a0» sur la page de connexion)\u00a0: le lien envoyé ne fonctionnera plus. Puis prévenez votre agence.", link: profile},
		},
	}.mail(to, firstName)
}

// loginEmailChangedMail tells the old login address that newEmail replaced
// it, with a reset link for the tenant who did not ask: it ends every
// session, the thief's included.
func loginEmailChangedMail(to, firstName, newEmail, recoveryLink string, validity time.Duration) Mail {
	return notice{
		subject: "Votre adresse de connexion a changé",
		paras: []para{
			{text: "L’adresse de connexion de votre compte Extranet Locataire est maintenant\u00a0: " + newEmail + ". Cette adresse-ci ne permet plus de vous connecter."},
			{text: "Si vous êtes à l’origine de ce changement, vous n’avez rien à faire."},
			{text: "Si ce n’est pas vous, quelqu’un utilise votre compte. Récupérez-le avec ce lien (valable " + frenchDuration(validity) + ")\u00a0: vous choisirez un nouveau mot de passe, cette adresse-ci redeviendra votre adresse de connexion et tous les appareils seront déconnectés. Prévenez ensuite votre agence.", link: recoveryLink},
		},
	}.mail(to, firstName)
}

// accountRecoveredMail tells the address a recovery link gave back that
// the account is its own again.
func accountRecoveredMail(to, firstName, tookEmail, loginURL string) Mail {
	took := "Votre adresse de connexion est de nouveau celle-ci, avec le mot de passe que vous venez de choisir, et tous les appareils ont été déconnectés."
	if tookEmail != "" {
		took = "Votre adresse de connexion est de nouveau celle-ci, avec le mot de passe que vous venez de choisir. L’adresse " + tookEmail + " ne permet plus de vous connecter, et tous les appareils ont été déconnectés."
	}
	return notice{
		subject: "Vous avez récupéré votre compte",
		paras: []para{
			{text: took},
			{text: "Vos avis d’échéance arrivent de nouveau à cette adresse\u00a0: vous pouvez en choisir une autre dans «\u00a0Mon profil\u00a0». Vérifiez aussi vos coordonnées bancaires, et prévenez votre agence que quelqu’un a utilisé votre compte. Connexion\u00a0:", link: loginURL},
		},
	}.mail(to, firstName)
}

// loginEmailTakenMail tells an address that another account asked to use
// it as its login, in place of the confirmation link: the form answered as
// usual, so that it never tells who has an account.
func loginEmailTakenMail(to, loginURL string) Mail {
	return notice{
		subject: "Votre adresse email a été proposée pour un autre compte",
		paras: []para{
			{text: "Quelqu’un a demandé à utiliser votre adresse email comme adresse de connexion d’un autre compte Extranet Locataire. Elle est déjà celle de votre compte\u00a0: rien n’a changé, et votre compte reste inchangé."},
			{text: "Si c’était vous, choisissez une autre adresse pour cet autre compte, ou connectez-vous à votre compte actuel\u00a0:", link: loginURL},
			{text: "Si vous n’êtes pas à l’origine de cette demande, ignorez cet email."},
		},
	}.mail(to, "")
}

// accountDeletedMail is the last mail of a deleted account.
func accountDeletedMail(to, firstName, signUpURL string) Mail {
	return notice{
		subject: "Votre compte Extranet Locataire est supprimé",
		paras: []para{
			{text: "Comme vous l’avez demandé, votre compte Extranet Locataire est supprimé\u00a0: votre adresse email, votre mot de passe, l’adresse qui reçoit vos avis et vos connexions sont effacés, et tous vos appareils sont déconnectés. Le choix des avis sans papier est celui du bail : si plus aucun compte du bail ne reçoit les avis par email, votre bailleur les envoie de nouveau par courrier."},
			{text: "Votre bail n’a pas changé\u00a0: votre bailleur garde votre dossier locataire (compte de loyers, avis d’échéance, quittances, demandes, paiements) pendant votre bail, puis 10\u00a0ans pour les pièces comptables, comme la loi le lui demande."},
			{text: "Vous pouvez créer un nouveau compte à tout moment, avec cette adresse ou une autre\u00a0:", link: signUpURL},
			{text: "Si vous n’êtes pas à l’origine de cette suppression, prévenez votre agence."},
		},
	}.mail(to, firstName)
}
