package filecheck_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/citejardins/extranet/shared/filecheck"
	"github.com/citejardins/extranet/shared/insurance"
)

// rvProgressiveJPEG is a grayscale progressive JPEG of w×h pixels with
// only a DC scan, every DC difference 0 (one bit per 8×8 block): a few
// hundred kilobytes. Go's decoder keeps 256 bytes of coefficients per block
// for a progressive image, on top of the picture: 5 bytes a pixel for a
// grayscale image the budget counts as 1.
func rvProgressiveJPEG(w, h int) []byte {
	var b bytes.Buffer
	seg := func(marker byte, payload []byte) {
		b.Write([]byte{0xFF, marker})
		binary.Write(&b, binary.BigEndian, uint16(len(payload)+2))
		b.Write(payload)
	}
	b.Write([]byte{0xFF, 0xD8})
	dqt := append([]byte{0x00}, bytes.Repeat([]byte{1}, 64)...)
	seg(0xDB, dqt)
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 1, 1, 0x11, 0}
	seg(0xC2, sof)
	dht := append([]byte{0x00, 1}, make([]byte, 15)...) // one code of length 1
	dht = append(dht, 0)                                // symbol 0: DC difference 0
	seg(0xC4, dht)
	seg(0xDA, []byte{1, 1, 0x00, 0, 0, 0})
	blocks := ((w + 7) / 8) * ((h + 7) / 8)
	b.Write(make([]byte, (blocks+7)/8))
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// TestCheckProgressiveJPEGBudget: a progressive JPEG's coefficients count
// in its budget: one of 10240×10240 (100 Mpx, in the pixel budget, but
// 500 MiB to decode) is refused from its header, without decoding; a
// progressive photo of a phone's size still passes.
func TestCheckProgressiveJPEGBudget(t *testing.T) {
	data := rvProgressiveJPEG(10240, 10240)
	debug.SetGCPercent(-1)
	defer debug.SetGCPercent(100)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	err := filecheck.New().Check(context.Background(), insurance.JPEG, data)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d-byte progressive JPEG: %v in %v, allocated %d MiB", len(data), err, time.Since(start), alloc>>20)
	if got := reasonOf(t, err); got != insurance.ImageTooLarge {
		t.Errorf("reason %q (%v), want %q", got, err, insurance.ImageTooLarge)
	}
	if alloc > 64<<20 {
		t.Errorf("a %d-byte JPEG made the check allocate %d MiB", len(data), alloc>>20)
	}
	// 4000×3000 grey: 12 Mpx, 12 MB of picture and 48 MB of coefficients.
	if err := filecheck.New().Check(context.Background(), insurance.JPEG, rvProgressiveJPEG(4000, 3000)); err != nil {
		t.Errorf("12 Mpx progressive JPEG: %v, want accepted", err)
	}
}

// TestCheckProgressiveJPEGBudgetReadsAsTheDecoder: bytes before the frame
// header's marker, which image/jpeg skips, do not hide it from the budget.
func TestCheckProgressiveJPEGBudgetReadsAsTheDecoder(t *testing.T) {
	data := rvProgressiveJPEG(10240, 10240)
	sof := bytes.Index(data, []byte{0xff, 0xc2})
	junk := append(append(append([]byte{}, data[:sof]...), 0x00, 0x42, 0xff, 0x00, 0xff, 0xff), data[sof:]...)
	if got := reasonOf(t, filecheck.New().Check(context.Background(), insurance.JPEG, junk)); got != insurance.ImageTooLarge {
		t.Errorf("reason %q, want %q", got, insurance.ImageTooLarge)
	}
}
