package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// hintTables are the TrueType tables that only serve the instructions.
var hintTables = map[string]bool{"fpgm": true, "prep": true, "cvt ": true, "hdmx": true, "LTSH": true, "VDMX": true}

// unhint returns the TrueType font without its hinting: the instruction
// tables are dropped and each glyph's instructions removed (OpenType spec,
// "glyf" table: simple and composite glyph descriptions). Outlines,
// metrics and names are unchanged. About a third of DejaVu's bytes are
// hinting; the outlines render the same in PDF viewers and on printers.
func unhint(font []byte) ([]byte, error) {
	tables, err := readTables(font)
	if err != nil {
		return nil, err
	}
	head, loca, glyf, maxp := tables["head"], tables["loca"], tables["glyf"], tables["maxp"]
	if len(head) < 54 || loca == nil || glyf == nil || len(maxp) < 6 {
		return nil, errors.New("missing head, loca, glyf or maxp")
	}
	n := int(binary.BigEndian.Uint16(maxp[4:]))
	long := binary.BigEndian.Uint16(head[50:]) == 1
	offset := func(i int) int {
		if long {
			return int(binary.BigEndian.Uint32(loca[4*i:]))
		}
		return 2 * int(binary.BigEndian.Uint16(loca[2*i:]))
	}
	if (long && len(loca) < 4*(n+1)) || (!long && len(loca) < 2*(n+1)) {
		return nil, errors.New("short loca table")
	}
	var newGlyf []byte
	newLoca := make([]byte, 4*(n+1))
	for i := range n {
		binary.BigEndian.PutUint32(newLoca[4*i:], uint32(len(newGlyf)))
		start, end := offset(i), offset(i+1)
		if start > end || end > len(glyf) {
			return nil, fmt.Errorf("glyph %d: bad offsets", i)
		}
		g, err := stripGlyph(glyf[start:end])
		if err != nil {
			return nil, fmt.Errorf("glyph %d: %w", i, err)
		}
		newGlyf = append(newGlyf, g...)
		for len(newGlyf)%4 != 0 {
			newGlyf = append(newGlyf, 0)
		}
	}
	binary.BigEndian.PutUint32(newLoca[4*n:], uint32(len(newGlyf)))
	tables["glyf"], tables["loca"] = newGlyf, newLoca
	head = append([]byte(nil), head...)
	binary.BigEndian.PutUint16(head[50:], 1) // indexToLocFormat: long
	tables["head"] = head
	if len(maxp) >= 32 {
		maxp = append([]byte(nil), maxp...)
		binary.BigEndian.PutUint16(maxp[26:], 0) // maxSizeOfInstructions
		tables["maxp"] = maxp
	}
	for t := range hintTables {
		delete(tables, t)
	}
	return writeTables(tables), nil
}

// stripGlyph returns a glyph description without its instructions.
func stripGlyph(g []byte) ([]byte, error) {
	if len(g) == 0 {
		return nil, nil
	}
	if len(g) < 10 {
		return nil, errors.New("short glyph")
	}
	contours := int16(binary.BigEndian.Uint16(g))
	if contours >= 0 {
		p := 10 + 2*int(contours)
		if p+2 > len(g) {
			return nil, errors.New("short simple glyph")
		}
		il := int(binary.BigEndian.Uint16(g[p:]))
		if p+2+il > len(g) {
			return nil, errors.New("instructions past the glyph")
		}
		out := append([]byte(nil), g[:p]...)
		out = append(out, 0, 0)
		return append(out, g[p+2+il:]...), nil
	}
	out := append([]byte(nil), g...)
	p := 10
	for {
		if p+4 > len(out) {
			return nil, errors.New("short composite glyph")
		}
		flags := binary.BigEndian.Uint16(out[p:])
		binary.BigEndian.PutUint16(out[p:], flags&^0x0100) // WE_HAVE_INSTRUCTIONS
		p += 4
		if flags&0x0001 != 0 { // ARG_1_AND_2_ARE_WORDS
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&0x0008 != 0: // WE_HAVE_A_SCALE
			p += 2
		case flags&0x0040 != 0: // WE_HAVE_AN_X_AND_Y_SCALE
			p += 4
		case flags&0x0080 != 0: // WE_HAVE_A_TWO_BY_TWO
			p += 8
		}
		if flags&0x0020 == 0 { // MORE_COMPONENTS
			break
		}
	}
	if p > len(out) {
		return nil, errors.New("short composite glyph")
	}
	return out[:p], nil
}

func readTables(font []byte) (map[string][]byte, error) {
	if len(font) < 12 {
		return nil, errors.New("not a TrueType font")
	}
	n := int(binary.BigEndian.Uint16(font[4:]))
	if len(font) < 12+16*n {
		return nil, errors.New("short table directory")
	}
	tables := make(map[string][]byte, n)
	for i := range n {
		rec := font[12+16*i:]
		off, size := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if off+size > len(font) {
			return nil, fmt.Errorf("table %q past the end", rec[:4])
		}
		tables[string(rec[:4])] = font[off : off+size]
	}
	return tables, nil
}

// writeTables lays the tables out in tag order with their checksums and
// sets head's checkSumAdjustment (OpenType spec, "Table directory").
func writeTables(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	entrySelector := 0
	for 1<<(entrySelector+1) <= n {
		entrySelector++
	}
	searchRange := 16 << entrySelector
	out := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(out, 0x00010000)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(searchRange))
	binary.BigEndian.PutUint16(out[8:], uint16(entrySelector))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-searchRange))
	headAt := 0
	for i, t := range tags {
		data := tables[t]
		if t == "head" {
			data = append([]byte(nil), data...)
			binary.BigEndian.PutUint32(data[8:], 0)
			headAt = len(out)
		}
		rec := out[12+16*i:]
		copy(rec, t)
		binary.BigEndian.PutUint32(rec[4:], checksum(data))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(data)))
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
