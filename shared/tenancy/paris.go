package tenancy

import "time"

// ParisDate is the civil date in mainland France at instant t. Rent periods
// and due dates are French calendar days.
//
// The EU summer-time rule (from the last Sunday of March to the last Sunday
// of October, changing at 01:00 UTC) is computed rather than read from a
// time zone database: Lambda's base image has none, and embedding one costs
// half a megabyte per function.
func ParisDate(t time.Time) Date {
	p := ParisTime(t)
	return Date{Year: p.Year(), Month: p.Month(), Day: p.Day()}
}

// ParisTime is instant t on mainland France's clock (CET or CEST, by the
// rule ParisDate follows), e.g. to print the hour of a signature.
func ParisTime(t time.Time) time.Time {
	t = t.UTC()
	offset := time.Hour
	if start, end := lastSunday(t.Year(), time.March), lastSunday(t.Year(), time.October); !t.Before(start) && t.Before(end) {
		offset = 2 * time.Hour
	}
	return t.In(time.FixedZone("Europe/Paris", int(offset/time.Second)))
}

// lastSunday returns 01:00 UTC on the last Sunday of the month.
func lastSunday(year int, month time.Month) time.Time {
	d := time.Date(year, month+1, 1, 1, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	for d.Weekday() != time.Sunday {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// Time returns midnight UTC of the date, for date arithmetic.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// DateOf returns the date of t read in UTC (for dates stored as midnights).
func DateOf(t time.Time) Date {
	t = t.UTC()
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}
