package bankaccount_test

import (
	"fmt"

	"github.com/citejardins/extranet/shared/bankaccount"
)

func ExampleParseIBAN() {
	iban, err := bankaccount.ParseIBAN(" fr76 3000 6000 0112 3456 7890 189 ")
	if err != nil {
		fmt.Println(bankaccount.Advice(err))
		return
	}
	fmt.Println(iban)
	fmt.Println(iban.Printed())
	fmt.Println(iban.Masked())

	// The same account with its RIB key 89 changed to 90 and the ISO 13616
	// check digits recomputed: mod 97 passes, the RIB key does not.
	_, err = bankaccount.ParseIBAN("FR4930006000011234567890190")
	fmt.Println(bankaccount.Advice(err))
	// Output:
	// FR7630006000011234567890189
	// FR76 3000 6000 0112 3456 7890 189
	// FR76 •••• •••• •••• •••• •••0 189
	// Cet IBAN contient une erreur : la clé RIB (les deux derniers chiffres) ne correspond pas au numéro de compte. Vérifiez le code banque, le code guichet et le numéro de compte sur votre RIB.
}
