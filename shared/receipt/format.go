package receipt

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/citejardins/extranet/shared/notice"
	"github.com/citejardins/extranet/shared/tenancy"
)

var monthNames = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// PeriodWords writes a period as "novembre 2026".
func PeriodWords(p notice.Period) string {
	if p.Month < 1 || p.Month > 12 {
		return p.String()
	}
	return monthNames[p.Month-1] + " " + strconv.Itoa(p.Year)
}

// Euros writes cents as "1 234,56 €" (no-break spaces), for messages.
func Euros(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "−", -cents
	}
	whole := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString("\u202F")
		}
		b.WriteRune(d)
	}
	return fmt.Sprintf("%s%s,%02d\u00A0€", sign, b.String(), cents%100)
}

func dateFR(d tenancy.Date) string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year) }
