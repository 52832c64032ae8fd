package erp_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/citejardins/extranet/shared/erp"
)

// The import reads a file's name, then its lines: good lines are records,
// bad ones are reported with their number and skipped.
func Example() {
	info, err := erp.ParseName("imports/ecritures_delta_20261125_soir.csv")
	if err != nil {
		fmt.Println("refusé\u00a0:", err) // a *erp.FileError: the report's reason
		return
	}
	file := "reference;id_ecriture;date;libelle;type;debit;credit;commentaire\n" +
		"L/0008889999-99966899+3;E1;05/11/2026;Loyer novembre;avis;456,78;0;\n" +
		"0008889999;E2;10/11/2026;Virement;paiement;;12,345;\n" +
		"0008889999;E3;10/11/2026;Virement;paiement;;456,78;reçu\n"
	r, err := erp.NewReader(strings.NewReader(file), info.Kind)
	if err != nil {
		fmt.Println("refusé\u00a0:", err)
		return
	}
	fmt.Println(info.Kind, info.Mode, info.Date, r.Warnings())
	for {
		rec, err := r.Next()
		var bad *erp.LineError
		switch {
		case err == io.EOF:
			return
		case errors.As(err, &bad):
			fmt.Println("ligne", bad.Line, ":", bad.Reason)
		case err != nil:
			fmt.Println("lecture interrompue\u00a0:", err) // retry the whole file later
			return
		default:
			e := rec.(erp.Entry)
			fmt.Println("ligne", r.Line(), ":", e.Reference, e.ID, e.Kind, e.DebitCents-e.CreditCents)
		}
	}
	// Output:
	// ecritures delta 2026-11-25 [colonne inconnue ignorée : commentaire]
	// ligne 2 : 8889999 E1 notice 45678
	// ligne 3 : credit: "12,345" n’est pas un montant (ex. 1234,56)
	// ligne 4 : 8889999 E3 payment -45678
}
