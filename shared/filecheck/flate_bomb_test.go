package filecheck_test

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/filecheck"
	"github.com/citejardins/extranet/shared/filecheck/samples"
	"github.com/citejardins/extranet/shared/insurance"
)

// zlibPadded is the zlib stream of head then pad spaces. The spaces'
// deflate blocks are made once per size and appended after head's (a
// deflate stream may be cut into blocks that refer to nothing before
// them), with the checksum combined: building the bombs below takes a
// fraction of a second, not the half minute of deflating gigabytes.
func zlibPadded(head []byte, pad int) []byte {
	blocks, sum := paddingBlocks(pad)
	var z bytes.Buffer
	z.Write([]byte{0x78, 0xda})
	fw, _ := flate.NewWriter(&z, flate.BestCompression)
	fw.Write(head)
	fw.Flush() // a sync block: byte-aligned, not final
	z.Write(blocks)
	z.Write([]byte{0x03, 0x00}) // an empty final block
	return binary.BigEndian.AppendUint32(z.Bytes(), adler32Combine(adler32.Checksum(head), sum, int64(pad)))
}

var padding = map[int]struct {
	blocks []byte
	sum    uint32
}{}

// paddingBlocks are the deflate blocks of n spaces, none final, and the
// spaces' Adler-32.
func paddingBlocks(n int) ([]byte, uint32) {
	if p, ok := padding[n]; ok {
		return p.blocks, p.sum
	}
	spaces := bytes.Repeat([]byte{' '}, n)
	var z bytes.Buffer
	fw, _ := flate.NewWriter(&z, flate.BestCompression)
	fw.Write(spaces)
	fw.Flush()
	padding[n] = struct {
		blocks []byte
		sum    uint32
	}{z.Bytes(), adler32.Checksum(spaces)}
	return padding[n].blocks, padding[n].sum
}

// adler32Combine is the Adler-32 of A then B from theirs and B's length
// (zlib's adler32_combine).
func adler32Combine(a, b uint32, lenB int64) uint32 {
	const base = 65521
	rem := uint32(lenB % base)
	sum1 := a & 0xffff
	sum2 := rem * sum1 % base
	sum1 += b&0xffff + base - 1
	sum2 += a>>16 + b>>16 + base - rem
	if sum1 >= base {
		sum1 -= base
	}
	if sum1 >= base {
		sum1 -= base
	}
	if sum2 >= base<<1 {
		sum2 -= base << 1
	}
	if sum2 >= base {
		sum2 -= base
	}
	return sum1 | sum2<<16
}

// rvFlateBombPDF: a valid one-page PDF whose objects 6.. live in n object
// streams, each inflating to pad bytes (a deflate of zeros is ~1/1000).
func rvFlateBombPDF(n, pad, perStream int) []byte {
	p := rvPage("", "")
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := map[int]int{}
	for i, o := range p {
		offs[i+1] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	type loc struct{ stm, idx int }
	inStm := map[int]loc{}
	next := 5
	stmNrs := []int{}
	// objects: 5..(5+n*perStream-1) compressed; streams after.
	firstStm := 5 + n*perStream
	for s := 0; s < n; s++ {
		stmNr := firstStm + s
		stmNrs = append(stmNrs, stmNr)
		var hdr, body bytes.Buffer
		for k := 0; k < perStream; k++ {
			fmt.Fprintf(&hdr, "%d %d ", next, body.Len())
			body.WriteString("<< /A 1 >>\n")
			inStm[next] = loc{stmNr, k}
			next++
		}
		z := zlibPadded([]byte(hdr.String()+"\n"+body.String()), pad)
		offs[stmNr] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n", stmNr, perStream, hdr.Len()+1, len(z))
		b.Write(z)
		b.WriteString("\nendstream\nendobj\n")
	}
	xrefNr := firstStm + n
	size := xrefNr + 1
	xrefOff := b.Len()
	var rows bytes.Buffer
	row := func(t byte, f2 uint32, f3 uint16) {
		rows.WriteByte(t)
		binary.Write(&rows, binary.BigEndian, f2)
		binary.Write(&rows, binary.BigEndian, f3)
	}
	row(0, 0, 65535)
	for nr := 1; nr < size; nr++ {
		switch {
		case nr == xrefNr:
			row(1, uint32(xrefOff), 0)
		case offs[nr] != 0:
			row(1, uint32(offs[nr]), 0)
		default:
			l := inStm[nr]
			row(2, uint32(l.stm), uint16(l.idx))
		}
	}
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", xrefNr, size, rows.Len())
	b.Write(rows.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefOff)
	return b.Bytes()
}

// TestCheckFlateBombs: object streams that inflate to gigabytes in all
// (each under the parser's per-stream limit) are refused as too complex,
// quickly and without holding what they inflate to; a file that inflates to
// a few MiB passes.
func TestCheckFlateBombs(t *testing.T) {
	for _, c := range []struct {
		n, pad, per int
		want        insurance.Reason
	}{
		{1, 1 << 20, 1, ""},
		{140, 60 << 20, 1, insurance.TooComplex}, // 8.6 MB, 8.2 GiB inflated
		{20, 60 << 20, 20, insurance.TooComplex}, // 1.2 MB, 1.2 GiB inflated
	} {
		data := rvFlateBombPDF(c.n, c.pad, c.per)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		err := filecheck.New().Check(context.Background(), insurance.PDF, data)
		runtime.ReadMemStats(&after)
		took, alloc := time.Since(start), (after.TotalAlloc-before.TotalAlloc)>>20
		t.Logf("%d streams × %d MiB × %d objs (%d bytes): %v in %v, allocated %d MiB, heap now %d MiB",
			c.n, c.pad>>20, c.per, len(data), err, took, alloc, after.HeapAlloc>>20)
		if got := reasonOf(t, err); got != c.want {
			t.Errorf("%d streams of %d MiB: reason %q (%v), want %q", c.n, c.pad>>20, got, err, c.want)
		}
		if took > 3*time.Second {
			t.Errorf("check took %v: the function has 10 s in all", took)
		}
		if alloc > 128 {
			t.Errorf("check allocated %d MiB", alloc)
		}
	}
}

// TestCheckCorruptObjectStream: an object stream the table lists but that
// does not inflate leaves its objects unread: the file is unreadable.
func TestCheckCorruptObjectStream(t *testing.T) {
	b := rvFlateBombPDF(2, 1000, 1)
	i := bytes.LastIndex(b, []byte("/ObjStm"))
	j := bytes.Index(b[i:], []byte("stream\n")) + i + len("stream\n")
	copy(b[j:], "xxxx") // no zlib header
	if got := reasonOf(t, filecheck.New().Check(context.Background(), insurance.PDF, b)); got != insurance.Unreadable {
		t.Errorf("reason %q, want %q", got, insurance.Unreadable)
	}
}

// TestCheckTimeout: a PDF whose check outlasts the checker's deadline is a
// refusal (the service quarantines it and answers 422), not an error.
func TestCheckTimeout(t *testing.T) {
	c := filecheck.New()
	c.Timeout = time.Nanosecond
	for name, data := range map[string][]byte{"small": samples.PDF(), "inflating": samples.InflatingPDF(8)} {
		if got := reasonOf(t, c.Check(context.Background(), insurance.PDF, data)); got != insurance.TooComplex {
			t.Errorf("%s: reason %q, want %q", name, got, insurance.TooComplex)
		}
	}
}

// TestCheckIndirectFilter: a stream whose /Filter is an indirect
// reference, which the parser follows but the streams' pre-scan cannot, is
// refused: else a bomb could hide behind one.
func TestCheckIndirectFilter(t *testing.T) {
	z := rvZlib(strings.Repeat(" ", 1000))
	data := samples.Classic(append(rvPage("/X 5 0 R", ""), rvStream("/Filter 6 0 R", z), "/FlateDecode"), "")
	if got := reasonOf(t, filecheck.New().Check(context.Background(), insurance.PDF, data)); got != insurance.Unreadable {
		t.Errorf("reason %q, want %q", got, insurance.Unreadable)
	}
}

// TestZlibPadded: the bombs' streams are valid zlib streams, checksum
// included.
func TestZlibPadded(t *testing.T) {
	zr, err := zlib.NewReader(bytes.NewReader(zlibPadded([]byte("1 0\n<< /A 1 >>\n"), 3<<20)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || len(got) != 3<<20+15 || !bytes.HasPrefix(got, []byte("1 0\n<< /A 1 >>\n    ")) {
		t.Errorf("%d bytes (%v)", len(got), err)
	}
}
