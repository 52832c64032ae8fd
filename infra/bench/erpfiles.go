package main

import (
	"io"
	"strconv"
)

// The ERP export files of the import benchmark, generated line by line as
// they are read: however many leases, a file is never whole in memory.
// Everything derives from the lease's index, so that the leases, the
// signatories and the entries of a lease agree without remembering them.

// erpScale is the size of a generated export.
type erpScale struct {
	residences      int
	leases          int
	entriesPerLease int
}

// lineSource is an io.Reader over a CSV file whose lines are made on
// demand: the header, then line(i) for i in [0, n).
type lineSource struct {
	header string
	n      int
	line   func(b []byte, i int) []byte

	next  int // next data line; -1 before the header
	buf   []byte
	off   int
	bytes int64
}

func newSource(header string, n int, line func(b []byte, i int) []byte) *lineSource {
	return &lineSource{header: header, n: n, line: line, next: -1, buf: make([]byte, 0, 64<<10)}
}

func (s *lineSource) Read(p []byte) (int, error) {
	if s.off == len(s.buf) {
		s.buf, s.off = s.buf[:0], 0
		for len(s.buf) < cap(s.buf)-1024 && s.next < s.n {
			if s.next < 0 {
				s.buf = append(s.buf, s.header...)
			} else {
				s.buf = s.line(s.buf, s.next)
			}
			s.buf = append(s.buf, '\r', '\n')
			s.next++
		}
		if len(s.buf) == 0 {
			return 0, io.EOF
		}
	}
	n := copy(p, s.buf[s.off:])
	s.off += n
	s.bytes += int64(n)
	return n, nil
}

// mix is splitmix64: a lease's index gives its pseudo-random features.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

var (
	cities = []struct{ postalCode, city string }{
		{"93200", "Saint-Denis"}, {"92230", "Gennevilliers"}, {"94200", "Ivry-sur-Seine"},
		{"93100", "Montreuil"}, {"92000", "Nanterre"}, {"95100", "Argenteuil"}, {"91000", "Évry-Courcouronnes"},
	}
	streets   = []string{"rue des Jardins", "allée des Tilleuls", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard de la République", "place du Marché"}
	plants    = []string{"Les Jardins", "Les Tilleuls", "Les Glycines", "Les Hortensias", "Le Clos des Lilas", "Les Érables", "Les Pivoines"}
	lastNames = []string{"MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "PETIT", "DURAND", "LEROY", "MOREAU", "LEFÈVRE", "GARCIA", "N'DIAYE"}
	firstNms  = []string{"Marie", "Jean", "Céline", "Karim", "Sophie", "Mamadou", "Hélène", "Lucas", "Aïcha", "François", "Inès", "Thi Mai"}
	dwellings = []string{"studio", "T1", "T2", "T3", "T4", "T5"}
	methods   = []string{"prelevement", "prelevement", "prelevement", "virement", "virement", "cheque", "carte", "especes", "tip"}
	payLabels = map[string]string{"prelevement": "Prélèvement automatique", "virement": "Virement reçu", "cheque": "Chèque reçu",
		"carte": "Paiement par carte", "especes": "Paiement en espèces", "tip": "TIP reçu"}
	monthNames = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
)

// lease is what the files say of the lease of index j.
type lease struct {
	ref            string // as printed, ten digits with leading zeros
	residence      int
	rent, charges  int64 // cents
	benefit        int64 // cents a month, 0 for none
	method         string
	dueDay         int
	startY, startM int
	h              uint64
}

func (sc erpScale) lease(j int) lease {
	h := mix(uint64(j))
	l := lease{
		ref:       pad(1_000_000+j, 10),
		residence: j % sc.residences,
		rent:      30000 + int64(h%60000),
		charges:   4000 + int64(h>>20%12000),
		method:    methods[h>>36%uint64(len(methods))],
		dueDay:    1 + int(h>>44%10),
		startY:    2005 + int(h>>8%19),
		startM:    1 + int(h>>52%12),
		h:         h,
	}
	if h>>40%3 == 0 {
		l.benefit = 10000 + int64(h>>28%15000)
	}
	return l
}

func residenceID(i int) string { return "RES-" + pad(i, 4) }

const (
	residencesHeader  = "id_residence;nom;adresse;code_postal;ville"
	leasesHeader      = "reference;id_residence;date_debut;date_fin;adresse;complement;code_postal;ville;type_logement;etage;loyer;charges;apl;mode_paiement;jour_echeance"
	signatoriesHeader = "reference;id_signataire;principal;nom;prenom;date_naissance;email"
	entriesHeader     = "reference;id_ecriture;date;libelle;type;debit;credit"
)

func (sc erpScale) residencesFile() *lineSource {
	return newSource(residencesHeader, sc.residences, func(b []byte, i int) []byte {
		c := cities[i%len(cities)]
		b = append(b, residenceID(i)...)
		b = append(b, ";Résidence "...)
		b = append(b, plants[i%len(plants)]...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(i/len(plants)+1), 10)
		b = append(b, ';')
		b = strconv.AppendInt(b, int64(1+i%120), 10)
		b = append(b, ' ')
		b = append(b, streets[i%len(streets)]...)
		b = append(b, ';')
		b = append(b, c.postalCode...)
		b = append(b, ';')
		return append(b, c.city...)
	})
}

func (sc erpScale) leasesFile() *lineSource {
	return newSource(leasesHeader, sc.leases, func(b []byte, j int) []byte {
		l := sc.lease(j)
		c := cities[l.residence%len(cities)]
		b = append(b, l.ref...)
		b = append(b, ';')
		b = append(b, residenceID(l.residence)...)
		b = append(b, ';')
		b = appendDate(b, 1, l.startM, l.startY)
		b = append(b, ";;"...) // date_fin: running
		b = strconv.AppendInt(b, int64(1+l.residence%120), 10)
		b = append(b, ' ')
		b = append(b, streets[l.residence%len(streets)]...)
		b = append(b, ";Bâtiment "...)
		b = append(b, byte('A'+l.h>>12%6))
		b = append(b, ", porte "...)
		b = strconv.AppendInt(b, int64(j%97+1), 10)
		b = append(b, ';')
		b = append(b, c.postalCode...)
		b = append(b, ';')
		b = append(b, c.city...)
		b = append(b, ';')
		b = append(b, dwellings[l.h>>16%uint64(len(dwellings))]...)
		b = append(b, ';')
		if f := l.h >> 24 % 13; f == 0 {
			b = append(b, "RDC"...)
		} else {
			b = strconv.AppendInt(b, int64(f), 10)
		}
		b = append(b, ';')
		b = appendEuros(b, l.rent)
		b = append(b, ';')
		b = appendEuros(b, l.charges)
		b = append(b, ';')
		b = appendEuros(b, l.benefit)
		b = append(b, ';')
		b = append(b, l.method...)
		b = append(b, ';')
		return strconv.AppendInt(b, int64(l.dueDay), 10)
	})
}

func (sc erpScale) signatoriesFile() *lineSource {
	return newSource(signatoriesHeader, sc.leases, func(b []byte, j int) []byte {
		l := sc.lease(j)
		last, first := lastNames[l.h>>4%uint64(len(lastNames))], firstNms[l.h>>32%uint64(len(firstNms))]
		b = append(b, l.ref...)
		b = append(b, ";S"...)
		b = append(b, l.ref...)
		b = append(b, "-1;O;"...)
		b = append(b, last...)
		b = append(b, ';')
		b = append(b, first...)
		b = append(b, ';')
		b = appendDate(b, 1+int(l.h>>6%28), 1+int(l.h>>14%12), 1940+int(l.h>>22%60))
		b = append(b, ';')
		if l.h>>48%3 != 0 { // a third have no email in the ERP
			b = append(b, "locataire."...)
			b = strconv.AppendInt(b, int64(1_000_000+j), 10)
			b = append(b, "@example.fr"...)
		}
		return b
	})
}

// entriesFile gives each lease entriesPerLease lines, oldest first and
// contiguous: each month a rent notice, the housing benefit when the lease
// has one, and the tenant's payment, up to November 2026.
func (sc erpScale) entriesFile() *lineSource {
	return newSource(entriesHeader, sc.leases*sc.entriesPerLease, func(b []byte, i int) []byte {
		j, k := i/sc.entriesPerLease, i%sc.entriesPerLease
		l := sc.lease(j)
		perMonth := 2
		if l.benefit > 0 {
			perMonth = 3
		}
		months := (sc.entriesPerLease + perMonth - 1) / perMonth
		back := months - 1 - k/perMonth // months before November 2026
		abs := 2026*12 + 10 - back      // months since year 0, November 2026 = 2026*12+10
		y, m := abs/12, abs%12+1
		b = append(b, l.ref...)
		b = append(b, ";E"...)
		b = append(b, l.ref[3:]...)
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(y), 10)
		b = append(b, pad(m, 2)...)
		due := l.rent + l.charges
		switch pos := k % perMonth; {
		case pos == 0:
			b = append(b, "-AV;"...)
			b = appendDate(b, 1, m, y)
			b = append(b, ";Avis d'échéance "...)
			b = append(b, monthNames[m-1]...)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(y), 10)
			b = append(b, ";avis;"...)
			b = appendEuros(b, due)
			b = append(b, ";0,00"...)
		case pos == 1 && l.benefit > 0:
			b = append(b, "-AP;"...)
			b = appendDate(b, 5, m, y)
			b = append(b, ";APL CAF "...)
			b = append(b, monthNames[m-1]...)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(y), 10)
			b = append(b, ";apl;0,00;"...)
			b = appendEuros(b, l.benefit)
		default:
			paid := due - l.benefit
			if (l.h>>56+uint64(back))%11 == 0 { // now and then a tenant pays short
				paid -= 5000
			}
			b = append(b, "-PR;"...)
			b = appendDate(b, l.dueDay, m, y)
			b = append(b, ';')
			b = append(b, payLabels[l.method]...)
			b = append(b, ";paiement;0,00;"...)
			b = appendEuros(b, paid)
		}
		return b
	})
}

// pad prints n with leading zeros to width digits.
func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

func appendDate(b []byte, d, m, y int) []byte {
	b = append(b, pad(d, 2)...)
	b = append(b, '/')
	b = append(b, pad(m, 2)...)
	b = append(b, '/')
	return strconv.AppendInt(b, int64(y), 10)
}

// appendEuros prints cents as the ERP does: "1 234,56".
func appendEuros(b []byte, cents int64) []byte {
	e := strconv.FormatInt(cents/100, 10)
	for i, c := range []byte(e) {
		if i > 0 && (len(e)-i)%3 == 0 {
			b = append(b, ' ')
		}
		b = append(b, c)
	}
	b = append(b, ',')
	return append(b, pad(int(cents%100), 2)...)
}
