package importer_test

import (
	"testing"
	"time"
)

// Review 9c, finding 4: same-day decisions depend on the order files are
// imported in, not on which the landlord made last. The landlord refuses
// c-1 on 30/11 (file of the 30th), then corrects it the same day to an
// acceptance (file of 1 December, decision dated 30/11). The file of the
// 30th dropped again (FORMAT.md: "an old file dropped again cannot undo a
// newer decision") turns the certificate back to refused.
func TestReviewOldFileDroppedAgainDoesNotUndoASameDayCorrection(t *testing.T) {
	st, db := insuranceStore(t, importDay)
	putCertificate(t, db, "1234567", "c-1", "2027-10-31", importDay.Add(-time.Hour))
	first := assurancesHeader + "0001234567;c-1;refusee;30/11/2026;Attestation illisible\n"
	second := assurancesHeader + "0001234567;c-1;acceptee;30/11/2026;\n"
	importAt(t, st, "imports/assurances_delta_20261130.csv", first, importDay)
	importAt(t, st, "imports/assurances_delta_20261201.csv", second, importDay.Add(24*time.Hour))
	rep := importAt(t, st, "imports/assurances_delta_20261130.csv", first, importDay.Add(48*time.Hour))
	c, _ := getItem[certView](t, db, "LEASE#1234567", "INSURANCE#c-1")
	if c.Status != "accepted" || rep.Written != 0 {
		t.Errorf("after the file of the 30th again: certificate %+v, report written %d; want still accepted, nothing written", c, rep.Written)
	}
}

// Review 9c, finding 4b: a file with two same-day lines on one certificate
// (refused, then accepted) imported again writes both lines again (not
// "unchanged"), and the certificate is refused between the two writes,
// long enough for an hourly run to mail the refusal.
func TestReviewSameDayLinesImportedAgainWriteNothing(t *testing.T) {
	st, db := insuranceStore(t, importDay)
	putCertificate(t, db, "1234567", "c-1", "2027-10-31", importDay.Add(-time.Hour))
	file := assurancesHeader + "0001234567;c-1;refusee;30/11/2026;Attestation illisible\n0001234567;c-1;acceptee;30/11/2026;\n"
	importAt(t, st, "imports/assurances_delta_20261130.csv", file, importDay)
	rep := importAt(t, st, "imports/assurances_delta_20261130.csv", file, importDay.Add(time.Hour))
	if rep.Written != 0 {
		t.Errorf("same file again: %+v; want nothing written", rep)
	}
}
