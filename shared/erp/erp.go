// Package erp reads the export files of the landlord's ERP (see FORMAT.md):
// it recognises a file by its name, then streams its lines as typed,
// validated records. It knows nothing of storage: the import function decides
// what to write.
//
// Every reason this package gives (refused file, bad line, warning) is in
// French and ready for the import report, which the landlord's staff read.
package erp

import (
	"strconv"
	"strings"

	"github.com/citejardins/extranet/shared/tenancy"
)

// Kind is what a file holds; its value is the file name's first part.
type Kind string

// The kinds of file, named as in the file names.
const (
	Residences  Kind = "residences"
	Contacts    Kind = "contacts"
	Leases      Kind = "baux"
	Signatories Kind = "signataires"
	Entries     Kind = "ecritures"
	Requests    Kind = "demandes"
	NoticeLines Kind = "lignes_avis"
	Insurance   Kind = "assurances"
)

// Mode says whether a file is a full snapshot of its kind or only changes.
type Mode string

// The modes, named as in the file names.
const (
	Snapshot Mode = "complet"
	Delta    Mode = "delta"
)

// FileInfo is what a file's name says of it.
type FileInfo struct {
	Kind Kind
	Mode Mode
	Date tenancy.Date // export date
}

// FileError refuses a file whole: its name, encoding or header does not
// follow the format, so none of it may be imported. Its message is the
// report's reason.
type FileError struct {
	Reason string // French
}

func (e *FileError) Error() string { return e.Reason }

// LineError is a bad line: the import reports it and goes on with the next.
type LineError struct {
	Line   int    // physical line number, empty lines counted (the header is line 1)
	Reason string // French
	// Partial is what could be read of a bad line of a kind whose lines
	// form groups: for lignes_avis, a NoticeLine with only its Reference and
	// Period, when both are good, so that the import refuses the line's whole
	// group. Nil otherwise.
	Partial Record
}

func (e *LineError) Error() string { return "ligne " + strconv.Itoa(e.Line) + "\u00a0: " + e.Reason }

const nameForm = "attendu <type>_<mode>_<AAAAMMJJ>[_<texte libre>].csv, par exemple baux_complet_20261101.csv"

// ParseName reads what an object key such as
// "imports/ecritures_delta_20261125_soir.csv" says of the file. Folders
// before the name are ignored. A name that does not follow the form gets a
// *FileError.
func ParseName(key string) (FileInfo, error) {
	name := key[strings.LastIndexByte(key, '/')+1:]
	stem, ok := strings.CutSuffix(name, ".csv")
	// lignes_avis is the one kind with "_" in its name.
	var kind, rest string
	if r, found := strings.CutPrefix(stem, string(NoticeLines)+"_"); found {
		kind, rest = string(NoticeLines), r
	} else {
		kind, rest, _ = strings.Cut(stem, "_")
	}
	parts := append([]string{kind}, strings.SplitN(rest, "_", 3)...)
	if !ok || len(parts) < 3 || (len(parts) == 4 && parts[3] == "") {
		return FileInfo{}, &FileError{"nom de fichier " + show(name) + " non conforme\u00a0: " + nameForm}
	}
	info := FileInfo{Kind: Kind(parts[0]), Mode: Mode(parts[1])}
	if !info.Kind.valid() {
		return FileInfo{}, &FileError{"type de fichier " + show(parts[0]) +
			" inconnu\u00a0: attendu residences, contacts, baux, signataires, ecritures, demandes, lignes_avis ou assurances"}
	}
	if info.Mode != Snapshot && info.Mode != Delta {
		return FileInfo{}, &FileError{"mode " + show(parts[1]) + " inconnu\u00a0: attendu complet ou delta"}
	}
	d, ok := compactDate(parts[2])
	if !ok {
		return FileInfo{}, &FileError{"date " + show(parts[2]) + " du nom de fichier invalide\u00a0: attendu AAAAMMJJ"}
	}
	info.Date = d
	return info, nil
}

func (k Kind) valid() bool {
	switch k {
	case Residences, Contacts, Leases, Signatories, Entries, Requests, NoticeLines, Insurance:
		return true
	}
	return false
}

// compactDate reads AAAAMMJJ.
func compactDate(s string) (tenancy.Date, bool) {
	if len(s) != 8 || !allDigits(s) {
		return tenancy.Date{}, false
	}
	return civilDate(atoi(s[0:4]), atoi(s[4:6]), atoi(s[6:8]))
}
