package filecheck

import (
	"bytes"
	"image/color"
	"image/jpeg"
	"image/png"

	"github.com/citejardins/extranet/shared/insurance"
)

// The checks of a JPEG or PNG: its header read first, its decoding's
// memory budgeted from it, then decoded.

// checkImage decodes the image once its header says it fits the budget.
func (c *Checker) checkImage(contentType string, data []byte) error {
	decodeConfig, decode := jpeg.DecodeConfig, jpeg.Decode
	if contentType == insurance.PNG {
		decodeConfig, decode = png.DecodeConfig, png.Decode
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return refuse(insurance.Unreadable, "image header: %v", err)
	}
	pixels := int64(cfg.Width) * int64(cfg.Height)
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return refuse(insurance.Unreadable, "image of %d×%d", cfg.Width, cfg.Height)
	}
	cost := pixels * bytesPerPixel(cfg.ColorModel)
	if contentType == insurance.JPEG {
		cost += progressiveCoefficients(data)
	}
	if pixels > c.MaxPixels || cost > c.MaxImageBytes {
		return refuse(insurance.ImageTooLarge, "%d×%d", cfg.Width, cfg.Height)
	}
	if _, err := decode(bytes.NewReader(data)); err != nil {
		return refuse(insurance.Unreadable, "image: %v", err)
	}
	return nil
}

// bytesPerPixel is what the decoder allocates per pixel for a colour
// model, at most (a JPEG's YCbCr counted as 4:4:4).
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.YCbCrModel:
		return 3
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	return 4 // RGBA, NRGBA, CMYK, a palette
}

// progressiveCoefficients is what Go's decoder of a progressive JPEG
// (SOF2) allocates besides the picture: the coefficients of every 8×8 block
// of every component, 64 int32 (256 bytes) each, kept until the last scan
// (image/jpeg's progCoeffs), blocks counted per MCU as the decoder does.
// 0 for a baseline JPEG, or when no SOF2 is found.
func progressiveCoefficients(data []byte) int64 {
	// Segments from SOI: FF, marker, a big-endian length that counts
	// itself (ISO/IEC 10918-1 B.1.1), up to the first frame header (the
	// decoder refuses a second one), read as image/jpeg reads them: bytes
	// before a marker skipped, "FF 00" ignored, fill bytes (FF) skipped.
	p := 2
	for p+1 < len(data) {
		if data[p] != 0xff {
			p++
			continue
		}
		marker := data[p+1]
		p += 2
		if marker == 0 {
			continue
		}
		for marker == 0xff && p < len(data) {
			marker = data[p]
			p++
		}
		switch {
		case marker == 0xd9 || marker == 0xda: // EOI, SOS: no frame header before
			return 0
		case marker >= 0xd0 && marker <= 0xd7: // RSTn: no length
			continue
		case p+2 > len(data):
			return 0
		}
		n := int(data[p])<<8 | int(data[p+1])
		if n < 2 {
			return 0
		}
		switch marker {
		case 0xc0, 0xc1:
			return 0 // baseline or extended sequential: no coefficients kept
		case 0xc2:
			return sofCoefficients(data[p+2 : min(len(data), p+n)])
		}
		p += n
	}
	return 0
}

// sofCoefficients reads a frame header (precision, height, width, then 3
// bytes a component: id, sampling factors, table).
func sofCoefficients(seg []byte) int64 {
	if len(seg) < 6 {
		return 0
	}
	h, w, nc := int64(seg[1])<<8|int64(seg[2]), int64(seg[3])<<8|int64(seg[4]), int(seg[5])
	if len(seg) < 6+3*nc {
		return 0
	}
	hmax, vmax := int64(1), int64(1)
	for i := range nc {
		f := seg[7+3*i]
		hmax, vmax = max(hmax, int64(f>>4)), max(vmax, int64(f&0x0f))
	}
	// MCUs across and down, as image/jpeg's processSOS counts them.
	mxx, myy := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)
	var blocks int64
	for i := range nc {
		f := seg[7+3*i]
		blocks += mxx * myy * int64(f>>4) * int64(f&0x0f)
	}
	return blocks * 256
}
