package erp

import (
	"bytes"
	"io"
	"runtime"
	"strconv"
	"testing"
)

// entriesFile builds a ledger entries file of n lines: rent notices and
// payments over many leases, as a monthly ERP export looks.
func entriesFile(n int) []byte {
	var b bytes.Buffer
	b.WriteString(entriesHeader + "\r\n")
	for i := range n {
		ref := strconv.Itoa(1000000 + i/12)
		b.WriteString("000" + ref + ";E" + strconv.Itoa(i) + ";05/" + strconv.Itoa(10+i%3) + "/2026;")
		if i%2 == 0 {
			b.WriteString("Loyer et charges novembre 2026;avis;1 234,56;0,00\r\n")
		} else {
			b.WriteString("Prélèvement;paiement;0,00;1 234,56\r\n")
		}
	}
	return b.Bytes()
}

func BenchmarkReadEntries(b *testing.B) {
	const lines = 100_000
	data := entriesFile(lines)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data), Entries)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != lines {
			b.Fatalf("read %d lines; want %d", n, lines)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(lines*b.N), "allocs/line")
}
