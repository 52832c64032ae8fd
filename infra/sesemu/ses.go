package sesemu

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// xmlns is the namespace real SES puts on every response; the SDK does not
// need it but other clients (and humans comparing traces) expect it.
const xmlns = "http://ses.amazonaws.com/doc/2010-12-01/"

// maxRequestBytes bounds a request body. SES accepts raw messages of up to
// 40 MB once base64-encoded into the form; wrapping the body in
// http.MaxBytesReader also lifts net/http's default 10 MB form limit.
const maxRequestBytes = 64 << 20

// maxRecipients mirrors the SES per-message limit, so code that would be
// rejected in production is rejected locally too.
const maxRecipients = 50

// apiError is an error the emulator reports to the client in the SES XML
// error format.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func invalidParameter(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "InvalidParameterValue", message: fmt.Sprintf(format, args...)}
}

// ServeHTTP implements the SES query-protocol endpoint for SendEmail and
// SendRawEmail. Any path is accepted, as the SDK always posts to the root of
// whatever BaseEndpoint it was given.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := newUUID()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, requestID, &apiError{status: http.StatusMethodNotAllowed, code: "InvalidHttpRequest", message: "SES requests must use POST"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
	if err := r.ParseForm(); err != nil {
		writeError(w, requestID, invalidParameter("cannot parse request body: %v", err))
		return
	}

	var (
		m   Message
		err error
	)
	action := r.PostForm.Get("Action")
	switch action {
	case "SendEmail":
		m, err = parseSendEmail(r.PostForm)
	case "SendRawEmail":
		m, err = parseSendRawEmail(r.PostForm)
	case "":
		err = &apiError{status: http.StatusBadRequest, code: "MissingAction", message: "the request must contain the parameter Action"}
	default:
		// Same code AWS returns for an action it does not know, so a client
		// calling an operation the emulator lacks fails recognisably.
		err = &apiError{status: http.StatusBadRequest, code: "InvalidAction", message: fmt.Sprintf("the action %s is not valid for this endpoint (the emulator supports SendEmail and SendRawEmail)", action)}
	}
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			ae = invalidParameter("%v", err)
		}
		writeError(w, requestID, ae)
		return
	}

	m = s.store(m)
	writeSuccess(w, requestID, action, m.ID)
}

func parseSendEmail(form url.Values) (Message, error) {
	from, err := parseSource(form.Get("Source"))
	if err != nil {
		return Message{}, err
	}
	var to []string
	for _, field := range []string{"Destination.ToAddresses", "Destination.CcAddresses", "Destination.BccAddresses"} {
		addrs, err := bareAddresses(listMembers(form, field))
		if err != nil {
			return Message{}, err
		}
		to = append(to, addrs...)
	}
	if err := checkRecipients(to); err != nil {
		return Message{}, err
	}
	// Reply-To is validated because SES rejects bad ones, but not kept:
	// nothing downstream looks at it.
	if _, err := bareAddresses(listMembers(form, "ReplyToAddresses")); err != nil {
		return Message{}, err
	}
	return Message{
		To:      to,
		From:    from,
		Subject: form.Get("Message.Subject.Data"),
		Text:    form.Get("Message.Body.Text.Data"),
		HTML:    form.Get("Message.Body.Html.Data"),
	}, nil
}

func parseSendRawEmail(form url.Values) (Message, error) {
	data := form.Get("RawMessage.Data")
	if data == "" {
		return Message{}, invalidParameter("RawMessage.Data is required")
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return Message{}, invalidParameter("RawMessage.Data is not valid base64: %v", err)
	}
	pm, err := parseRawMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, invalidParameter("cannot parse raw message: %v", err)
	}

	// The From header is what recipients see; Source only sets the envelope
	// sender, so it is the fallback, as in SES.
	fromHeader := pm.from
	if fromHeader == "" {
		fromHeader = form.Get("Source")
	}
	if strings.TrimSpace(fromHeader) == "" {
		return Message{}, invalidParameter("Missing required header 'From' (and no Source given)")
	}
	from, err := parseSource(fromHeader)
	if err != nil {
		return Message{}, err
	}
	if src := form.Get("Source"); src != "" {
		if _, err := parseSource(src); err != nil {
			return Message{}, err
		}
	}

	// Explicit Destinations replace the header recipients, which is how
	// SES lets callers send Bcc without leaking it in the headers.
	to, err := bareAddresses(listMembers(form, "Destinations"))
	if err != nil {
		return Message{}, err
	}
	if len(to) == 0 {
		to = pm.recipients
	}
	if err := checkRecipients(to); err != nil {
		return Message{}, err
	}
	return Message{
		To:      to,
		From:    from,
		Subject: pm.subject,
		Text:    pm.text,
		HTML:    pm.html,
	}, nil
}

// parseSource validates a sender and formats it for display.
func parseSource(source string) (string, error) {
	if strings.TrimSpace(source) == "" {
		return "", invalidParameter("Missing required parameter Source")
	}
	a, err := mail.ParseAddress(source)
	if err != nil {
		return "", invalidParameter("Illegal address %q: %v", source, err)
	}
	return displayAddress(a), nil
}

// displayAddress renders a for humans. mail.Address.String is not used
// because it re-encodes non-ASCII names as RFC 2047 words.
func displayAddress(a *mail.Address) string {
	if a.Name == "" {
		return a.Address
	}
	return a.Name + " <" + a.Address + ">"
}

func bareAddresses(list []string) ([]string, error) {
	out := make([]string, 0, len(list))
	for _, s := range list {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return nil, invalidParameter("Illegal address %q: %v", s, err)
		}
		out = append(out, a.Address)
	}
	return out, nil
}

func checkRecipients(to []string) error {
	switch {
	case len(to) == 0:
		return invalidParameter("Missing destination: at least one recipient is required")
	case len(to) > maxRecipients:
		return invalidParameter("Recipient count exceeds %d", maxRecipients)
	}
	return nil
}

// listMembers returns the values of a query-protocol list
// (prefix.member.1, prefix.member.2, …) in index order. It sorts instead of
// counting up from 1 so that a gap in the indexes cannot silently drop the
// recipients after it.
func listMembers(form url.Values, prefix string) []string {
	type item struct {
		n int
		v string
	}
	var items []item
	p := prefix + ".member."
	for k, vs := range form {
		rest, ok := strings.CutPrefix(k, p)
		if !ok || len(vs) == 0 {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil {
			continue
		}
		items = append(items, item{n, vs[0]})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].n < items[j].n })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

type sendResult struct {
	XMLName   xml.Name
	MessageID string `xml:"MessageId"`
}

type sendResponse struct {
	XMLName  xml.Name
	Xmlns    string `xml:"xmlns,attr"`
	Result   sendResult
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

type errorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Error     errorDetail
	RequestID string `xml:"RequestId"`
}

type errorDetail struct {
	Type    string
	Code    string
	Message string
}

func writeSuccess(w http.ResponseWriter, requestID, action, messageID string) {
	writeXML(w, requestID, http.StatusOK, sendResponse{
		XMLName:  xml.Name{Local: action + "Response"},
		Xmlns:    xmlns,
		Result:   sendResult{XMLName: xml.Name{Local: action + "Result"}, MessageID: messageID},
		Metadata: responseMetadata{RequestID: requestID},
	})
}

func writeError(w http.ResponseWriter, requestID string, e *apiError) {
	writeXML(w, requestID, e.status, errorResponse{
		Xmlns:     xmlns,
		Error:     errorDetail{Type: "Sender", Code: e.code, Message: e.message},
		RequestID: requestID,
	})
}

func writeXML(w http.ResponseWriter, requestID string, status int, v any) {
	body, err := xml.Marshal(v)
	if err != nil {
		// Only reachable through a programming error in the response types.
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	// The SDK reads the request ID from this header into its response
	// metadata, as with real SES.
	w.Header().Set("X-Amzn-Requestid", requestID)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
