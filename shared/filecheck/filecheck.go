// Package filecheck checks a file a tenant sent (the home-insurance
// certificate) before the portal keeps it: its bytes must be the type
// declared, a JPEG or PNG must decode within a pixel budget, and a PDF must
// parse (github.com/pdfcpu/pdfcpu), unencrypted, with no JavaScript, launch
// action or embedded file in any object, object streams included.
//
// It links pdfcpu, a few megabytes of binary: only the insurance function
// and the local stack import it (functions/insurance/main.go gives it to
// portal.New).
package filecheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/citejardins/extranet/shared/insurance"
)

// Checker checks files. The zero value is not usable: call New.
type Checker struct {
	// MaxPixels bounds an image's width × height, and MaxImageBytes the
	// memory its decoding takes (pixels × bytes per pixel of its colour
	// model), both read from its header before decoding: a small file can
	// claim a huge image (a decompression bomb).
	MaxPixels     int64
	MaxImageBytes int64
	// Timeout bounds the parse of one PDF.
	Timeout time.Duration
}

var _ insurance.FileChecker = (*Checker)(nil)

// New returns a checker with limits fit for a phone's photo of a
// certificate (up to 100 megapixels, 160 MiB decoded) and a 5 s PDF parse.
func New() *Checker {
	return &Checker{MaxPixels: 100 << 20, MaxImageBytes: 160 << 20, Timeout: 5 * time.Second}
}

func refuse(r insurance.Reason, format string, args ...any) error {
	return &insurance.Refusal{Reason: r, Detail: fmt.Sprintf(format, args...)}
}

// Check checks data against the declared content type: nil, or an
// *insurance.Refusal.
func (c *Checker) Check(ctx context.Context, contentType string, data []byte) error {
	if len(data) > insurance.MaxBytes {
		return refuse(insurance.TooLarge, "%d bytes", len(data))
	}
	if len(data) == 0 {
		return refuse(insurance.Unreadable, "empty")
	}
	sniffed := http.DetectContentType(data)
	if sniffed != contentType {
		return refuse(insurance.TypeMismatch, "declared %s, content %s", contentType, sniffed)
	}
	switch contentType {
	case insurance.JPEG, insurance.PNG:
		return c.checkImage(contentType, data)
	case insurance.PDF:
		return c.checkPDF(ctx, data)
	}
	return refuse(insurance.TypeMismatch, "type %s not accepted", contentType)
}

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
	if pixels > c.MaxPixels || pixels*bytesPerPixel(cfg.ColorModel) > c.MaxImageBytes {
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

// pdfcpu reads its configuration from a folder in the user's home unless
// told not to; a Lambda has no writable home.
var disableConfig sync.Once

func configuration() *model.Configuration {
	disableConfig.Do(func() { model.ConfigPath = "disable" })
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	// Limits for a file of at most 10 MiB: the library's defaults are for
	// files of gigabytes.
	conf.Limits = model.ResourceLimits{
		MaxStreamBytes:       insurance.MaxBytes,
		MaxDecodeBytes:       64 << 20,
		MaxImagePixels:       100 << 20,
		MaxImageBytes:        160 << 20,
		MaxObjectCount:       200_000,
		MaxObjectStreamCount: 100_000,
		MaxObjectStreamFirst: 1 << 20,
		MaxXRefEntries:       200_000,
		MaxRecursionDepth:    64,
	}
	return conf
}

// checkPDF parses the PDF with pdfcpu (its object streams decoded) and
// walks every object it holds for active content, then looks at the raw
// bytes for objects the cross-reference table leaves out, which a lenient
// reader may still find.
func (c *Checker) checkPDF(ctx context.Context, data []byte) (err error) {
	// A truncated file loses its end: the file's last line is %%EOF (ISO
	// 32000-1 §7.5.5). pdfcpu would rebuild such a file from what is left.
	if !bytes.Contains(tail(data, 1024), []byte("%%EOF")) {
		return refuse(insurance.Unreadable, "no %%%%EOF at the end")
	}
	defer func() {
		// The parser is outside code run on outside input: a panic in it
		// is a file we cannot read, not a crash.
		if p := recover(); p != nil {
			err = refuse(insurance.Unreadable, "parser panic: %v", p)
		}
	}()
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	pctx, err := pdfcpu.ReadWithContext(ctx, bytes.NewReader(data), configuration())
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return refuse(insurance.Unreadable, "parse timed out")
		}
		if errors.Is(err, pdfcpu.ErrWrongPassword) || errors.Is(err, pdfcpu.ErrEncrypted) || strings.Contains(err.Error(), "password") {
			return refuse(insurance.Encrypted, "%v", err)
		}
		return refuse(insurance.Unreadable, "parse: %v", err)
	}
	xt := pctx.XRefTable
	if xt.Encrypt != nil || xt.E != nil {
		return refuse(insurance.Encrypted, "encrypted")
	}
	if xt.Root == nil {
		return refuse(insurance.Unreadable, "no catalog")
	}
	if _, err := xt.Catalog(); err != nil {
		return refuse(insurance.Unreadable, "catalog: %v", err)
	}
	if err := xt.EnsurePageCount(); err != nil || xt.PageCount < 1 {
		return refuse(insurance.Unreadable, "no pages (%v)", err)
	}
	w := walker{ctx: ctx, xt: xt}
	for nr, e := range xt.Table {
		if e == nil || e.Free || e.Object == nil {
			continue
		}
		if r := w.object(e.Object, 0); r != nil {
			r.Detail = fmt.Sprintf("object %d: %s", nr, r.Detail)
			return r
		}
	}
	if r := scanNames(data); r != nil {
		return r
	}
	return nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// walker looks for active content in parsed objects.
type walker struct {
	ctx context.Context
	xt  *model.XRefTable
}

// maxDepth bounds the walk of nested dictionaries and arrays (pdfcpu
// bounds its own parse; this bounds ours).
const maxDepth = 64

func (w walker) object(o types.Object, depth int) *insurance.Refusal {
	if depth > maxDepth {
		return &insurance.Refusal{Reason: insurance.Unreadable, Detail: "objects nested too deep"}
	}
	switch v := o.(type) {
	case types.Dict:
		return w.dict(v, depth)
	case types.StreamDict:
		return w.dict(v.Dict, depth)
	case *types.StreamDict:
		return w.dict(v.Dict, depth)
	case types.ObjectStreamDict:
		return w.objectStream(&v, depth)
	case *types.ObjectStreamDict:
		return w.objectStream(v, depth)
	case types.XRefStreamDict:
		return w.dict(v.Dict, depth)
	case *types.XRefStreamDict:
		return w.dict(v.Dict, depth)
	case types.LazyObjectStreamObject:
		return w.lazy(&v, depth)
	case *types.LazyObjectStreamObject:
		return w.lazy(v, depth)
	case types.Array:
		for _, e := range v {
			if r := w.object(e, depth+1); r != nil {
				return r
			}
		}
	}
	return nil
}

// resolve follows indirect references and decodes objects of object
// streams; nil when it cannot.
func (w walker) resolve(o types.Object) types.Object {
	for range 8 {
		switch v := o.(type) {
		case types.IndirectRef:
			d, err := w.xt.Dereference(v)
			if err != nil {
				return nil
			}
			o = d
		case *types.IndirectRef:
			if v == nil {
				return nil
			}
			o = *v
		case types.LazyObjectStreamObject:
			d, err := v.DecodedObject(w.ctx)
			if err != nil {
				return nil
			}
			o = d
		default:
			return o
		}
	}
	return nil
}

// emptyTree reports whether o is a names tree that names nothing: no
// /Names pairs, no /Kids.
func (w walker) emptyTree(o types.Object) bool {
	d, ok := w.resolve(o).(types.Dict)
	if !ok {
		return false
	}
	for k, v := range d {
		switch decodeName(k) {
		case "Names", "Kids":
			if a, ok := w.resolve(v).(types.Array); !ok || len(a) > 0 {
				return false
			}
		}
	}
	return true
}

// lazy decodes an object of an object stream, which pdfcpu leaves
// undecoded until asked.
func (w walker) lazy(v *types.LazyObjectStreamObject, depth int) *insurance.Refusal {
	o, err := v.DecodedObject(w.ctx)
	if err != nil {
		return &insurance.Refusal{Reason: insurance.Unreadable, Detail: "object stream: " + err.Error()}
	}
	return w.object(o, depth+1)
}

func (w walker) objectStream(v *types.ObjectStreamDict, depth int) *insurance.Refusal {
	if r := w.dict(v.Dict, depth); r != nil {
		return r
	}
	return w.object(v.ObjArray, depth+1)
}

// dict refuses a dictionary that names JavaScript, a launch action or an
// embedded file, by key or by a name value (/S /JavaScript, /Type
// /EmbeddedFile, /Subtype /FileAttachment), names compared after their #xx
// escapes are decoded.
func (w walker) dict(d types.Dict, depth int) *insurance.Refusal {
	for k, v := range d {
		if n := decodeName(k); n == "EmbeddedFiles" || n == "JavaScript" {
			// A names tree of scripts or files: refused when it names
			// any (some writers, fpdf among them, put an empty one in
			// every catalog).
			if !w.emptyTree(v) {
				return activeName(k, true)
			}
		} else if r := activeName(k, true); r != nil {
			return r
		}
		switch n := v.(type) {
		case types.Name:
			if r := activeName(string(n), false); r != nil {
				return r
			}
		case *types.Name:
			if n != nil {
				if r := activeName(string(*n), false); r != nil {
					return r
				}
			}
		case types.StringLiteral:
			if r := javascriptURI(k, string(n)); r != nil {
				return r
			}
		case types.HexLiteral:
			if b, err := n.Bytes(); err == nil {
				if r := javascriptURI(k, string(b)); r != nil {
					return r
				}
			}
		}
		if r := w.object(v, depth+1); r != nil {
			return r
		}
	}
	return nil
}

// activeName classifies a PDF name (a key, or a value) after decoding its
// #xx escapes: the keys /JS, /JavaScript, /EmbeddedFiles, /EmbeddedFile,
// /EF (a file specification's embedded file), and the values /JavaScript,
// /Launch, /EmbeddedFile, /FileAttachment.
func activeName(raw string, key bool) *insurance.Refusal {
	n := decodeName(raw)
	switch {
	case n == "JavaScript" || key && n == "JS":
		return &insurance.Refusal{Reason: insurance.JavaScript, Detail: "/" + n}
	case n == "Launch" && !key:
		return &insurance.Refusal{Reason: insurance.LaunchAction, Detail: "/Launch"}
	case n == "EmbeddedFiles" || n == "EmbeddedFile" || n == "FileAttachment" || key && n == "EF":
		return &insurance.Refusal{Reason: insurance.EmbeddedFile, Detail: "/" + n}
	}
	return nil
}

// javascriptURI refuses a URI action that is a javascript: URL.
func javascriptURI(key, s string) *insurance.Refusal {
	if decodeName(key) == "URI" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "javascript:") {
		return &insurance.Refusal{Reason: insurance.JavaScript, Detail: "javascript: URI"}
	}
	return nil
}

// decodeName decodes the #xx escapes of a name (ISO 32000-1 §7.3.5); a
// malformed escape is left as written.
func decodeName(s string) string {
	if !strings.Contains(s, "#") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// scanNames reads the raw bytes for name tokens (a "/" and the regular
// characters after it) that are active content, outside the parsed objects
// too: an object the cross-reference table omits is not parsed, but a
// reader that rebuilds the table would run it. Compressed streams are not
// opened here: those the table lists were walked parsed.
func scanNames(data []byte) *insurance.Refusal {
	for i := 0; i < len(data); i++ {
		if data[i] != '/' {
			continue
		}
		j := i + 1
		for j < len(data) && regular(data[j]) && j-i <= 128 {
			j++
		}
		if j > i+1 {
			if r := rawActive(decodeName(string(data[i+1 : j]))); r != nil {
				r.Detail = "raw " + r.Detail
				return r
			}
		}
		i = j - 1
	}
	return nil
}

// rawActive classifies a name read from the raw bytes, where keys and
// values cannot be told apart and names trees cannot be read: only names
// that mean active content wherever they are. A script action always has
// /JS, an embedded file /EF (and often /Type /EmbeddedFile); the names
// trees (/JavaScript, /EmbeddedFiles), which may be empty, are left to the
// parsed walk.
func rawActive(n string) *insurance.Refusal {
	switch n {
	case "JS":
		return &insurance.Refusal{Reason: insurance.JavaScript, Detail: "/JS"}
	case "Launch":
		return &insurance.Refusal{Reason: insurance.LaunchAction, Detail: "/Launch"}
	case "EF", "EmbeddedFile", "FileAttachment":
		return &insurance.Refusal{Reason: insurance.EmbeddedFile, Detail: "/" + n}
	}
	return nil
}

// regular reports whether c may be part of a name: not white space nor a
// delimiter (ISO 32000-1 §7.2.2).
func regular(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ', '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return false
	}
	return true
}
