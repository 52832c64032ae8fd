// Command gen writes the local stack's two demo documents of the landlord
// (infra/demo/documents/landlord/...): small one-page PDFs in the core
// Helvetica font (no font file to ship), generated once and committed.
// Fixed dates make a second run write the same bytes.
//
//	go run ./infra/demo/documents/gen
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/citejardins/extranet/infra/localstack"
)

type page struct {
	file     string // under infra/demo/documents
	title    string
	subtitle string
	sections []section
}

type section struct {
	heading string
	text    string
}

var pages = []page{
	{
		file:     "landlord/all/guide-eco-loc.pdf",
		title:    "Guide Eco’Loc",
		subtitle: "Les bons gestes pour un logement économe et confortable",
		sections: []section{
			{"Chauffage", "19 °C dans les pièces à vivre, 17 °C dans les chambres : chaque degré de moins, c'est environ 7 % d'énergie économisée. Ne couvrez pas les radiateurs et fermez les volets la nuit."},
			{"Aération", "Aérez 5 à 10 minutes par jour, même en hiver, et ne bouchez jamais les grilles de ventilation : un air sain évite l'humidité et les moisissures."},
			{"Eau", "Un robinet qui goutte perd jusqu'à 120 litres par jour, une chasse d'eau qui fuit jusqu'à 600. Signalez toute fuite à votre gestionnaire depuis votre espace locataire."},
			{"Électricité", "Éteignez les appareils en veille, dégivrez le réfrigérateur et préférez les ampoules LED : jusqu'à 10 % d'économie sur la facture."},
			{"Déchets", "Triez emballages, verre et papiers dans les bacs de la résidence. Les encombrants se déposent en déchetterie ou sur rendez-vous auprès de la mairie."},
		},
	},
	{
		file:     "landlord/residences/SD01/reglement-interieur.pdf",
		title:    "Règlement intérieur",
		subtitle: "Résidence Les Jardins, 12 rue des Jardins, 93200 Saint-Denis",
		sections: []section{
			{"Tranquillité", "Évitez les bruits gênants à toute heure, et particulièrement entre 22 h et 7 h. Prévenez vos voisins avant un événement ou des travaux."},
			{"Parties communes", "Halls, escaliers et paliers doivent rester dégagés : ni vélos, ni poussettes, ni objets personnels en dehors des locaux prévus à cet effet."},
			{"Ordures ménagères", "Les sacs sont déposés fermés dans les conteneurs du local poubelles, en respectant le tri. Les sorties de bacs ont lieu le lundi et le jeudi."},
			{"Animaux", "Les animaux domestiques sont acceptés s'ils ne causent ni gêne ni dégât. Les chiens sont tenus en laisse dans les parties communes."},
			{"Stationnement", "Le parking est réservé aux résidents munis d'un badge. Les places handicapées et les accès pompiers doivent rester libres en permanence."},
		},
	},
}

func main() {
	root, err := localstack.FindRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, p := range pages {
		path := filepath.Join(root, "infra", "demo", "documents", filepath.FromSlash(p.file))
		if err := write(path, p); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(path)
	}
}

func write(path string, p page) error {
	when := time.Date(2026, time.November, 2, 9, 0, 0, 0, time.UTC)
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true) // resources in a fixed order: the same bytes every run
	pdf.SetCreationDate(when)
	pdf.SetModificationDate(when)
	pdf.SetTitle(p.title, true)
	pdf.SetAuthor("Cité Jardins", true)
	pdf.SetCreator("extranet infra/demo/documents/gen", false)
	pdf.SetMargins(20, 20, 20)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 to cp1252, the core fonts' encoding

	pdf.SetFont("Helvetica", "B", 10)
	pdf.SetTextColor(0, 110, 80)
	pdf.CellFormat(0, 6, tr("Cité Jardins, bailleur social"), "", 1, "L", false, 0, "")
	pdf.Ln(8)
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("Helvetica", "B", 22)
	pdf.CellFormat(0, 10, tr(p.title), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 12)
	pdf.CellFormat(0, 7, tr(p.subtitle), "", 1, "L", false, 0, "")
	pdf.Ln(6)
	for _, s := range p.sections {
		pdf.SetFont("Helvetica", "B", 13)
		pdf.CellFormat(0, 8, tr(s.heading), "", 1, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 11)
		pdf.MultiCell(0, 5.5, tr(s.text), "", "L", false)
		pdf.Ln(3)
	}
	pdf.SetY(-30)
	pdf.SetFont("Helvetica", "I", 9)
	pdf.SetTextColor(90, 90, 90)
	pdf.MultiCell(0, 5, tr("Document de démonstration de l'Extranet Locataire. Retrouvez-le à tout moment dans Mes documents."), "", "L", false)

	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return pdf.OutputFileAndClose(path)
}
