package erp

import (
	"strings"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

// Record is one line of a file, parsed and checked: a Residence, Contact,
// Lease, Signatory, Entry, RequestStatus, NoticeLine or InsuranceDecision
// value, as the file's kind says.
type Record interface{ record() }

// Residence is a line of a residences file.
type Residence struct {
	ID         string
	Name       string
	Street     string // may be empty
	PostalCode string // five digits, or empty
	City       string // may be empty
}

// Contact is a line of a contacts file: someone tenants of a residence can
// call.
type Contact struct {
	ResidenceID string
	Role        tenancy.ContactRole
	Name        string
	Phone       string // may be empty
	Email       string // may be empty
	Hours       string // opening hours as written, may be empty
}

// Lease is a line of a leases file. Money is in cents.
type Lease struct {
	Reference           string // canonical (tenancy.NormalizeReference)
	ResidenceID         string
	Start               tenancy.Date
	End                 tenancy.Date // zero while the lease runs
	Street              string
	Complement          string // may be empty
	PostalCode          string // five digits
	City                string
	DwellingType        string                // "T3", "studio"..., may be empty
	Floor               string                // as printed, may be empty
	RentCents           int64                 // ≥ 0
	ChargesCents        int64                 // ≥ 0
	HousingBenefitCents int64                 // ≥ 0, zero when the column is empty
	PaymentMethod       tenancy.PaymentMethod // may be empty
	DueDay              int                   // 1..28, 1 when the column is empty
	// InsuranceRequired: the landlord asks this lease for a home-insurance
	// certificate (assurance_obligatoire, O/N, N when empty or absent).
	InsuranceRequired bool
}

// Signatory is a line of a signatories file.
type Signatory struct {
	Reference   string // canonical
	ID          string
	Main        bool
	LastName    string
	FirstName   string
	DateOfBirth tenancy.Date
	Email       string // may be empty
}

// Entry is a line of a ledger entries file. Exactly one of DebitCents and
// CreditCents is positive, the other zero.
type Entry struct {
	Reference   string // canonical
	ID          string
	Date        tenancy.Date
	Label       string
	Kind        tenancy.EntryKind
	DebitCents  int64 // what the tenant owes
	CreditCents int64 // what was paid or granted
	// PaymentID is the portal's id of the online payment this line books
	// (id_paiement: the paymentId of the payment_received export event, 32
	// lower-case hex digits), empty for any other line. The line replaces
	// the payment's provisional entries (shared/dynamo DESIGN.md, pattern 11).
	PaymentID string
}

// RequestStatus is a line of a requests file: the ERP's progress on a
// tenant's change request.
type RequestStatus struct {
	ID        string
	Reference string // canonical
	Status    RequestProgress
	Date      tenancy.Date
}

// RequestProgress is where the ERP stands on a request.
type RequestProgress string

// Request progress values.
const (
	RequestInProgress RequestProgress = "in_progress" // en_cours
	RequestDone       RequestProgress = "done"        // traitee
)

// NoticeLine is a line of a lignes_avis file: one line of a lease's rent
// notice for a period, as the ERP billed it. AmountCents is what the line
// adds to the amount to pay: positive for a debit, negative for a credit.
// Rent, charges and SLS lines are never negative, APL and RLS lines never
// positive; a settlement or another line may be either.
type NoticeLine struct {
	Reference   string // canonical
	Period      notice.Period
	Label       string // at most MaxLabel runes
	Kind        notice.LineKind
	AmountCents int64
}

func (Residence) record()     {}
func (NoticeLine) record()    {}
func (Contact) record()       {}
func (Lease) record()         {}
func (Signatory) record()     {}
func (Entry) record()         {}
func (RequestStatus) record() {}

// col is a column of some kind of file.
type col uint8

// The columns of every kind, named as in the files.
const (
	colIDResidence col = iota
	colNom
	colAdresse
	colCodePostal
	colVille
	colRole
	colTelephone
	colEmail
	colHoraires
	colReference
	colDateDebut
	colDateFin
	colComplement
	colTypeLogement
	colEtage
	colLoyer
	colCharges
	colAPL
	colModePaiement
	colJourEcheance
	colIDSignataire
	colPrincipal
	colPrenom
	colDateNaissance
	colIDEcriture
	colDate
	colLibelle
	colType
	colDebit
	colCredit
	colIDDemande
	colStatut
	colPeriode
	colMontant
	colIDAttestation
	colMotif
	colAssuranceObligatoire
	colIDPaiement
	numCols
)

var colNames = [numCols]string{
	colIDResidence: "id_residence", colNom: "nom", colAdresse: "adresse", colCodePostal: "code_postal",
	colVille: "ville", colRole: "role", colTelephone: "telephone", colEmail: "email", colHoraires: "horaires",
	colReference: "reference", colDateDebut: "date_debut", colDateFin: "date_fin", colComplement: "complement",
	colTypeLogement: "type_logement", colEtage: "etage", colLoyer: "loyer", colCharges: "charges", colAPL: "apl",
	colModePaiement: "mode_paiement", colJourEcheance: "jour_echeance", colIDSignataire: "id_signataire",
	colPrincipal: "principal", colPrenom: "prenom", colDateNaissance: "date_naissance",
	colIDEcriture: "id_ecriture", colDate: "date", colLibelle: "libelle", colType: "type", colDebit: "debit",
	colCredit: "credit", colIDDemande: "id_demande", colStatut: "statut", colPeriode: "periode", colMontant: "montant",
	colIDAttestation: "id_attestation", colMotif: "motif", colAssuranceObligatoire: "assurance_obligatoire",
	colIDPaiement: "id_paiement",
}

var colByName = func() map[string]col {
	m := make(map[string]col, numCols)
	for c, name := range colNames {
		m[name] = col(c)
	}
	return m
}()

type colSpec struct {
	col      col
	required bool
}

// layout is a kind's columns, as in FORMAT.md, and how to read its lines.
type layout struct {
	cols  []colSpec
	parse func(*lineParser) Record
}

func (l layout) has(c col) bool {
	for _, cs := range l.cols {
		if cs.col == c {
			return true
		}
	}
	return false
}

const required, optional = true, false

var layouts = map[Kind]layout{
	Residences: {parse: parseResidence, cols: []colSpec{
		{colIDResidence, required}, {colNom, required}, {colAdresse, optional}, {colCodePostal, optional},
		{colVille, optional},
	}},
	Contacts: {parse: parseContact, cols: []colSpec{
		{colIDResidence, required}, {colRole, required}, {colNom, required}, {colTelephone, optional},
		{colEmail, optional}, {colHoraires, optional},
	}},
	Leases: {parse: parseLease, cols: []colSpec{
		{colReference, required}, {colIDResidence, required}, {colDateDebut, required}, {colDateFin, optional},
		{colAdresse, required}, {colComplement, optional}, {colCodePostal, required}, {colVille, required},
		{colTypeLogement, optional}, {colEtage, optional}, {colLoyer, required}, {colCharges, required},
		{colAPL, optional}, {colModePaiement, optional}, {colJourEcheance, optional},
		{colAssuranceObligatoire, optional},
	}},
	Signatories: {parse: parseSignatory, cols: []colSpec{
		{colReference, required}, {colIDSignataire, required}, {colPrincipal, required}, {colNom, required},
		{colPrenom, required}, {colDateNaissance, required}, {colEmail, optional},
	}},
	Entries: {parse: parseEntry, cols: []colSpec{
		{colReference, required}, {colIDEcriture, required}, {colDate, required}, {colLibelle, required},
		{colType, required}, {colDebit, required}, {colCredit, required}, {colIDPaiement, optional},
	}},
	Requests: {parse: parseRequest, cols: []colSpec{
		{colIDDemande, required}, {colReference, required}, {colStatut, required}, {colDate, required},
	}},
	NoticeLines: {parse: parseNoticeLine, cols: []colSpec{
		{colReference, required}, {colPeriode, required}, {colLibelle, required}, {colType, required},
		{colMontant, required},
	}},
	Insurance: {parse: parseInsuranceDecision, cols: []colSpec{
		{colReference, required}, {colIDAttestation, required}, {colStatut, required}, {colDate, required},
		{colMotif, optional},
	}},
}

func parseResidence(p *lineParser) Record {
	return Residence{
		ID:         p.id(colIDResidence),
		Name:       p.text(colNom, MaxText),
		Street:     p.text(colAdresse, MaxText),
		PostalCode: p.postalCode(colCodePostal),
		City:       p.text(colVille, MaxText),
	}
}

var contactRoles = []enumValue[tenancy.ContactRole]{
	{"gestionnaire", tenancy.TerritoryManager}, {"bailleur", tenancy.Landlord}, {"urgence", tenancy.Emergency},
}

func parseContact(p *lineParser) Record {
	return Contact{
		ResidenceID: p.id(colIDResidence),
		Role:        enum(p, colRole, contactRoles),
		Name:        p.text(colNom, MaxText),
		Phone:       p.phone(colTelephone),
		Email:       p.email(colEmail),
		Hours:       p.text(colHoraires, MaxText),
	}
}

var paymentMethods = []enumValue[tenancy.PaymentMethod]{
	{"prelevement", tenancy.DirectDebit}, {"virement", tenancy.Transfer}, {"cheque", tenancy.Cheque},
	{"carte", tenancy.Card}, {"especes", tenancy.Cash}, {"tip", tenancy.TIP},
}

func parseLease(p *lineParser) Record {
	l := Lease{
		Reference:           p.reference(colReference),
		ResidenceID:         p.id(colIDResidence),
		Start:               p.date(colDateDebut),
		End:                 p.date(colDateFin),
		Street:              p.text(colAdresse, MaxText),
		Complement:          p.text(colComplement, MaxText),
		PostalCode:          p.postalCode(colCodePostal),
		City:                p.text(colVille, MaxText),
		DwellingType:        p.text(colTypeLogement, MaxShort),
		Floor:               p.text(colEtage, MaxShort),
		RentCents:           p.amount(colLoyer),
		ChargesCents:        p.amount(colCharges),
		HousingBenefitCents: p.amount(colAPL),
		PaymentMethod:       enum(p, colModePaiement, paymentMethods),
		DueDay:              p.dueDay(colJourEcheance),
		InsuranceRequired:   p.bool(colAssuranceObligatoire),
	}
	if !l.End.IsZero() && !l.Start.IsZero() && before(l.End, l.Start) {
		p.fail(colDateFin, "antérieure à date_debut")
	}
	return l
}

func parseSignatory(p *lineParser) Record {
	return Signatory{
		Reference:   p.reference(colReference),
		ID:          p.id(colIDSignataire),
		Main:        p.bool(colPrincipal),
		LastName:    p.text(colNom, MaxText),
		FirstName:   p.text(colPrenom, MaxText),
		DateOfBirth: p.date(colDateNaissance),
		Email:       p.email(colEmail),
	}
}

var entryKinds = []enumValue[tenancy.EntryKind]{
	{"avis", tenancy.Notice}, {"paiement", tenancy.PaymentReceived}, {"apl", tenancy.HousingBenefit},
	{"regularisation", tenancy.ChargesSettlement}, {"autre", tenancy.OtherEntry},
}

func parseEntry(p *lineParser) Record {
	e := Entry{
		Reference: p.reference(colReference),
		ID:        p.id(colIDEcriture),
		Date:      p.date(colDate),
		Label:     p.text(colLibelle, MaxText),
		Kind:      enum(p, colType, entryKinds),
		// The ERP leaves the unused side of an entry blank as often as it
		// writes 0: both read as zero.
		DebitCents:  p.amountOrZero(colDebit),
		CreditCents: p.amountOrZero(colCredit),
		PaymentID:   strings.ToLower(p.check(colIDPaiement, checkPaymentID)),
	}
	if p.ok(colIDEcriture) && strings.HasPrefix(strings.ToLower(e.ID), tenancy.ProvisionalEntryPrefix) {
		p.fail(colIDEcriture, show(e.ID)+" commence par "+tenancy.ProvisionalEntryPrefix+
			", réservé aux écritures provisoires du portail\u00a0: donner un autre identifiant")
	}
	switch {
	case !p.ok(colDebit) || !p.ok(colCredit):
		// already told
	case e.DebitCents == 0 && e.CreditCents == 0:
		p.failLine("debit et credit nuls\u00a0: une écriture a un montant")
	case e.DebitCents != 0 && e.CreditCents != 0:
		p.failLine("debit et credit tous deux non nuls\u00a0: l’un des deux doit être 0")
	}
	return e
}

var requestStatuses = []enumValue[RequestProgress]{
	{"en_cours", RequestInProgress}, {"traitee", RequestDone},
}

func parseRequest(p *lineParser) Record {
	return RequestStatus{
		ID:        p.id(colIDDemande),
		Reference: p.reference(colReference),
		Status:    enum(p, colStatut, requestStatuses),
		Date:      p.date(colDate),
	}
}

var noticeLineKinds = []enumValue[notice.LineKind]{
	{"loyer", notice.Rent}, {"charges", notice.Charges}, {"apl", notice.HousingBenefit}, {"rls", notice.RLS},
	{"sls", notice.SLS}, {"regularisation", notice.Settlement}, {"autre", notice.Other},
}

func parseNoticeLine(p *lineParser) Record {
	l := NoticeLine{
		Reference:   p.reference(colReference),
		Period:      p.period(colPeriode),
		Label:       p.text(colLibelle, MaxLabel),
		Kind:        enum(p, colType, noticeLineKinds),
		AmountCents: p.signedAmount(colMontant),
	}
	if !p.ok(colReference) {
		l.Reference = "" // no group for Reader.Next's LineError.Partial
	}
	if !p.ok(colType) || !p.ok(colMontant) {
		return l
	}
	s := p.value(colMontant)
	switch l.Kind {
	case notice.HousingBenefit, notice.RLS:
		if l.AmountCents > 0 {
			p.fail(colMontant, show(s)+" est positif\u00a0: une ligne "+string(l.Kind)+
				" est un crédit, à écrire en négatif (ex. -180,00)")
		}
	case notice.Rent, notice.Charges, notice.SLS:
		if l.AmountCents < 0 {
			p.fail(colMontant, show(s)+" est négatif\u00a0: une ligne "+string(l.Kind)+
				" est un débit, à écrire en positif\u00a0; un avoir s’écrit en ligne regularisation ou autre")
		}
	}
	return l
}

// lineParser reads the fields of one line by column and collects what is
// wrong with them, so that a line's reason lists every problem at once.
type lineParser struct {
	fields   []string
	pos      [numCols]int // field index of each column, -1 when absent
	required [numCols]bool
	errs     []string
	bad      [numCols]bool
}

func (p *lineParser) start(fields []string) {
	p.fields = fields
	p.errs = p.errs[:0]
	p.bad = [numCols]bool{}
}

// value is the column's trimmed text, "" when the file lacks the column.
// It reports a required value missing.
func (p *lineParser) value(c col) string {
	s := ""
	if i := p.pos[c]; i >= 0 {
		s = strings.TrimSpace(p.fields[i])
	}
	if s == "" && p.required[c] {
		p.fail(c, "valeur manquante")
	}
	return s
}

func (p *lineParser) fail(c col, reason string) {
	p.bad[c] = true
	p.errs = append(p.errs, colNames[c]+": "+reason)
}

func (p *lineParser) failLine(reason string) { p.errs = append(p.errs, reason) }

// ok reports whether the column's value was read without a problem.
func (p *lineParser) ok(c col) bool { return !p.bad[c] }

func (p *lineParser) text(c col, max int) string {
	s := p.value(c)
	if reason := checkText(s, max); reason != "" {
		p.fail(c, reason)
		return ""
	}
	return s
}

func (p *lineParser) check(c col, check func(string) string) string {
	s := p.value(c)
	if s == "" {
		return ""
	}
	if reason := check(s); reason != "" {
		p.fail(c, reason)
		return ""
	}
	return s
}

func (p *lineParser) id(c col) string         { return p.check(c, checkID) }
func (p *lineParser) email(c col) string      { return p.check(c, checkEmail) }
func (p *lineParser) phone(c col) string      { return p.check(c, checkPhone) }
func (p *lineParser) postalCode(c col) string { return p.check(c, checkPostalCode) }

func (p *lineParser) reference(c col) string {
	s := p.value(c)
	if s == "" {
		return ""
	}
	ref, ok := canonicalReference(s)
	if !ok {
		p.fail(c, show(s)+" n’est pas une référence de bail (ex. 0008889999 ou L/0008889999-99966899+3)")
	}
	return ref
}

func (p *lineParser) date(c col) tenancy.Date {
	s := p.value(c)
	if s == "" {
		return tenancy.Date{}
	}
	d, err := ParseDate(s)
	if err != nil {
		p.fail(c, err.Error())
	}
	return d
}

func (p *lineParser) bool(c col) bool {
	s := p.value(c)
	if s == "" {
		return false
	}
	b, err := ParseBool(s)
	if err != nil {
		p.fail(c, err.Error())
	}
	return b
}

// amount reads a non-negative amount; empty is zero unless required.
func (p *lineParser) amount(c col) int64 {
	return p.euros(c, p.value(c))
}

// amountOrZero reads a non-negative amount, empty being zero even in a
// required column.
func (p *lineParser) amountOrZero(c col) int64 {
	s := ""
	if i := p.pos[c]; i >= 0 {
		s = strings.TrimSpace(p.fields[i])
	}
	return p.euros(c, s)
}

func (p *lineParser) euros(c col, s string) int64 {
	if s == "" {
		return 0
	}
	cents, err := ParseEuros(s)
	switch {
	case err != nil:
		p.fail(c, err.Error())
	case cents < 0:
		p.fail(c, show(s)+" est négatif")
		return 0
	}
	return cents
}

// signedAmount reads an amount of either sign.
func (p *lineParser) signedAmount(c col) int64 {
	s := p.value(c)
	if s == "" {
		return 0
	}
	cents, err := ParseEuros(s)
	if err != nil {
		p.fail(c, err.Error())
		return 0
	}
	return cents
}

// period reads a rent period, AAAA-MM.
func (p *lineParser) period(c col) notice.Period {
	s := p.value(c)
	if s == "" {
		return notice.Period{}
	}
	per, err := notice.ParsePeriod(s)
	if err != nil {
		p.fail(c, show(s)+" n’est pas une période (AAAA-MM, ex. 2026-12)")
	}
	return per
}

func (p *lineParser) dueDay(c col) int {
	s := p.value(c)
	if s == "" {
		return 1
	}
	if len(s) > 2 || !allDigits(s) || atoi(s) < 1 || atoi(s) > 28 {
		p.fail(c, show(s)+" n’est pas un jour d’échéance (1 à 28)")
		return 1
	}
	return atoi(s)
}

type enumValue[T any] struct {
	name  string // as in the file, any case
	value T
}

// enum reads one of the values in the table; empty is the zero value unless
// required.
func enum[T any](p *lineParser, c col, table []enumValue[T]) T {
	var zero T
	s := p.value(c)
	if s == "" {
		return zero
	}
	for _, v := range table {
		if strings.EqualFold(s, v.name) {
			return v.value
		}
	}
	names := make([]string, len(table))
	for i, v := range table {
		names[i] = v.name
	}
	p.fail(c, show(s)+" inconnu\u00a0: attendu "+strings.Join(names[:len(names)-1], ", ")+" ou "+names[len(names)-1])
	return zero
}
