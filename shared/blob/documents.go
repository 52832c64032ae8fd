package blob

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/safetext"
	"github.com/citejardins/extranet/shared/tenancy"
)

// The landlord's useful documents are plain files of the documents bucket,
// put there by the landlord: under LandlordAllPrefix for every tenant, and
// under LandlordResidencePrefix(id) for one residence's tenants. A file's
// title is its `title` metadata (x-amz-meta-title, UTF-8 percent-encoded,
// since S3 metadata travels in ASCII headers), else its file name.
const (
	LandlordAllPrefix = "landlord/all/"
	landlordResidence = "landlord/residences/"
	// maxShelf bounds what one prefix lists: a landlord publishes a handful
	// of documents, not thousands.
	maxShelf = 200
	// headConcurrency bounds the HeadObject calls in flight for one list.
	headConcurrency = 8
	maxTitle        = 200
)

// LandlordResidencePrefix is where the documents of one residence's tenants
// go.
func LandlordResidencePrefix(residenceID string) string {
	return landlordResidence + residenceID + "/"
}

// validResidence keeps a residence id that could climb out of its prefix
// (a slash, dots) or is empty from naming a prefix at all.
func validResidence(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Shelf reads the landlord's documents and signs download links in the
// documents bucket.
type Shelf struct {
	client  *s3.Client
	presign *s3.PresignClient
	bucket  string

	mu    sync.Mutex
	heads map[string]head // by key: what HeadObject said of one version
}

var _ document.Shelf = (*Shelf)(nil)

// head is what a HeadObject told of one version of a file (its ETag and
// time), kept so that a warm function lists without asking again.
type head struct {
	etag         string
	lastModified time.Time
	title        string
	contentType  string
}

// NewShelf returns the shelf of the bucket. Links are signed with the
// client's credentials and endpoint.
func NewShelf(client *s3.Client, bucket string) *Shelf {
	return &Shelf{client: client, presign: s3.NewPresignClient(client), bucket: bucket, heads: map[string]head{}}
}

// LandlordDocuments lists the files for every tenant and, when residenceID
// is a valid id, those for that residence's, as documents of kind
// landlord: id bound to the key (document.LandlordID), title from the
// metadata, date the object's LastModified in Paris, no period.
func (s *Shelf) LandlordDocuments(ctx context.Context, residenceID string) ([]document.Document, error) {
	prefixes := []string{LandlordAllPrefix}
	if validResidence(residenceID) {
		prefixes = append(prefixes, LandlordResidencePrefix(residenceID))
	}
	var files []file
	for _, prefix := range prefixes {
		fs, err := s.list(ctx, prefix)
		if err != nil {
			return nil, err
		}
		files = append(files, fs...)
	}
	if err := s.describe(ctx, files); err != nil {
		return nil, err
	}
	out := make([]document.Document, len(files))
	for i, f := range files {
		out[i] = f.doc
	}
	return out, nil
}

// file is a listed object: its document, and the version the listing saw.
type file struct {
	doc      document.Document
	etag     string
	modified time.Time
}

func (s *Shelf) list(ctx context.Context, prefix string) ([]file, error) {
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: aws.String(prefix)})
	var out []file
	for p.HasMorePages() && len(out) < maxShelf {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", prefix, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			if strings.HasSuffix(key, "/") || len(out) == maxShelf { // a folder's marker
				continue
			}
			modified := aws.ToTime(o.LastModified)
			out = append(out, file{etag: aws.ToString(o.ETag), modified: modified, doc: document.Document{
				ID: document.LandlordID(key), Kind: document.Landlord, Date: tenancy.ParisDate(modified),
				SizeBytes: aws.ToInt64(o.Size), FileName: path.Base(key), Key: key}})
		}
	}
	return out, nil
}

// describe gives each file its title and content type: from the cache when
// that version of it is known, else from HeadObject (in parallel).
func (s *Shelf) describe(ctx context.Context, files []file) error {
	sem := make(chan struct{}, headConcurrency)
	var wg sync.WaitGroup
	errs := make([]error, len(files))
	for i := range files {
		f := &files[i]
		s.mu.Lock()
		h, ok := s.heads[f.doc.Key]
		s.mu.Unlock()
		if ok && h.etag == f.etag && h.lastModified.Equal(f.modified) {
			f.doc.Title, f.doc.ContentType = h.title, h.contentType
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &f.doc.Key})
			if err != nil {
				errs[i] = fmt.Errorf("head a landlord document: %w", err)
				return
			}
			h := head{etag: f.etag, lastModified: f.modified, title: titleOf(out.Metadata["title"], f.doc.FileName),
				contentType: contentTypeOf(aws.ToString(out.ContentType), f.doc.FileName)}
			f.doc.Title, f.doc.ContentType = h.title, h.contentType
			s.remember(f.doc.Key, h)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (s *Shelf) remember(key string, h head) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.heads) >= 4*maxShelf { // files come and go: start again rather than grow
		clear(s.heads)
	}
	s.heads[key] = h
}

// titleOf reads the `title` metadata: percent-encoded UTF-8 (as the
// landlord's upload writes it), or plain ASCII, its white space collapsed
// and cut to maxTitle runes. Text that safetext.Check refuses (controls,
// bidi controls, a formula start), or nothing, is the file name, without
// its format characters (Unicode Cf: bidi controls and marks, zero-width
// characters) and controls.
func titleOf(meta, fileName string) string {
	t, err := url.PathUnescape(meta)
	if err != nil || !utf8.ValidString(t) {
		t = ""
	}
	t = strings.Join(strings.Fields(t), " ")
	if utf8.RuneCountInString(t) > maxTitle {
		t = string([]rune(t)[:maxTitle])
	}
	if t, err := safetext.Check(t, safetext.Rule{MaxRunes: maxTitle}); err == nil && t != "" {
		return t
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f && r < 0xa0 || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, fileName)
}

// servedTypes are the media types a landlord's file is served as; any
// other is served as application/octet-stream, so that a browser never
// renders an uploaded HTML or SVG file from the bucket's origin.
var servedTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

// contentTypeOf is the object's media type, or the file name's when S3
// holds none or the generic one; application/octet-stream unless it is a
// PDF, JPEG or PNG (servedTypes).
func contentTypeOf(ct, fileName string) string {
	if ct == "" || ct == "binary/octet-stream" || ct == "application/octet-stream" {
		ct = mime.TypeByExtension(path.Ext(fileName))
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil && servedTypes[mt] {
		return mt
	}
	return "application/octet-stream"
}

// DownloadURL is a presigned GET of d's file, valid for ttl, that S3
// answers as an attachment named d.FileName (document.Attachment) with d's
// media type. It signs locally: no call to S3.
func (s *Shelf) DownloadURL(ctx context.Context, d document.Document, ttl time.Duration) (string, error) {
	if d.Key == "" {
		return "", errors.New("document without a key")
	}
	ct := d.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	req, err := s.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: aws.String(d.Key),
		ResponseContentDisposition: aws.String(document.Attachment(d.FileName)), ResponseContentType: aws.String(ct),
		ResponseCacheControl: aws.String("private, no-store")}, s3.WithPresignExpires(ttl))
	if err != nil {
		return "", fmt.Errorf("presign: %w", err)
	}
	return req.URL, nil
}
