package sesemu

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// maxMIMEDepth stops a hostile or broken message from recursing without
// bound; real mail rarely nests more than three levels.
const maxMIMEDepth = 10

// parsedMessage is what the emulator keeps from a raw RFC 5322 message.
type parsedMessage struct {
	from       string   // raw From header, validated later with Source
	recipients []string // bare addresses from To, Cc and Bcc
	subject    string
	text       string
	html       string
}

func parseRawMessage(r io.Reader) (parsedMessage, error) {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return parsedMessage{}, err
	}
	pm := parsedMessage{from: msg.Header.Get("From")}

	for _, field := range []string{"To", "Cc", "Bcc"} {
		list, err := msg.Header.AddressList(field)
		if errors.Is(err, mail.ErrHeaderNotPresent) {
			continue
		}
		if err != nil {
			return parsedMessage{}, invalidParameter("Illegal address in %s header: %v", field, err)
		}
		for _, a := range list {
			pm.recipients = append(pm.recipients, a.Address)
		}
	}

	pm.subject = msg.Header.Get("Subject")
	// An undecodable encoded word is kept as written rather than failing
	// the send: the raw form is still informative in a dev inbox.
	if dec, err := (&mime.WordDecoder{CharsetReader: charsetReader}).DecodeHeader(pm.subject); err == nil {
		pm.subject = dec
	}

	if err := pm.walk(textproto.MIMEHeader(msg.Header), msg.Body, 0); err != nil {
		return parsedMessage{}, err
	}
	return pm, nil
}

// walk collects the first text/plain and first text/html leaves that are not
// attachments, descending through any multipart container.
func (pm *parsedMessage) walk(h textproto.MIMEHeader, body io.Reader, depth int) error {
	if depth > maxMIMEDepth {
		return errors.New("MIME parts nested too deeply")
	}
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		// RFC 2045 §5.2: a missing or unparsable Content-Type means
		// plain US-ASCII text.
		mediaType, params = "text/plain", nil
	}

	if strings.HasPrefix(mediaType, "multipart/") {
		boundary := params["boundary"]
		if boundary == "" {
			return fmt.Errorf("%s part without boundary", mediaType)
		}
		mr := multipart.NewReader(body, boundary)
		for {
			// NextRawPart, unlike NextPart, leaves quoted-printable
			// undecoded so that every transfer encoding goes through
			// the same path below.
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("reading %s: %w", mediaType, err)
			}
			if err := pm.walk(p.Header, p, depth+1); err != nil {
				return err
			}
		}
	}

	if disp, _, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil && disp == "attachment" {
		return nil
	}
	var dst *string
	switch mediaType {
	case "text/plain":
		dst = &pm.text
	case "text/html":
		dst = &pm.html
	default:
		return nil
	}
	if *dst != "" {
		return nil
	}

	raw, err := io.ReadAll(transferDecoder(h.Get("Content-Transfer-Encoding"), body))
	if err != nil {
		return fmt.Errorf("decoding %s part: %w", mediaType, err)
	}
	s, err := decodeCharset(raw, params["charset"])
	if err != nil {
		return fmt.Errorf("decoding %s part: %w", mediaType, err)
	}
	// Wire format uses CRLF; bodies given to SendEmail normally use LF,
	// and both kinds of message should read the same in the inbox.
	*dst = strings.ReplaceAll(s, "\r\n", "\n")
	return nil
}

func transferDecoder(encoding string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	case "base64":
		// The decoder skips the CR and LF that wrap base64 lines.
		return base64.NewDecoder(base64.StdEncoding, r)
	default: // 7bit, 8bit, binary or absent: already plain bytes.
		return r
	}
}

func decodeCharset(b []byte, charset string) (string, error) {
	r, err := charsetReader(charset, bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	out, err := io.ReadAll(r)
	return string(out), err
}

// charsetReader converts the charsets the standard library can handle
// without extra tables. UTF-8 and ASCII pass through; Latin-1 maps byte to
// rune. Anything else is passed through unchanged rather than rejected, as a
// slightly garbled dev inbox beats a refused message.
func charsetReader(charset string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1":
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		runes := make([]rune, len(b))
		for i, c := range b {
			runes[i] = rune(c)
		}
		return strings.NewReader(string(runes)), nil
	default:
		return r, nil
	}
}
