package blob_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/citejardins/extranet/shared/blob"
	"github.com/citejardins/extranet/shared/document"
	"github.com/citejardins/extranet/shared/tenancy"
)

const bucket = "documents"

// s3Emulator runs gofakes3 in memory, counting the HeadObject calls, and
// returns a client of it.
func s3Emulator(t *testing.T) (*s3.Client, *atomic.Int64) {
	t.Helper()
	heads := &atomic.Int64{}
	fake := gofakes3.New(s3mem.New()).Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			heads.Add(1)
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	client := s3.New(s3.Options{Region: "eu-west-3", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	return client, heads
}

func put(t *testing.T, c *s3.Client, key, body, contentType, title string) {
	t.Helper()
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	if title != "" {
		in.Metadata = map[string]string{"title": title}
	}
	if _, err := c.PutObject(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func keysOf(ds []document.Document) []string {
	var ks []string
	for _, d := range ds {
		ks = append(ks, d.Key)
	}
	slices.Sort(ks)
	return ks
}

func TestLandlordDocumentsOfAResidence(t *testing.T) {
	ctx := context.Background()
	c, heads := s3Emulator(t)
	put(t, c, "landlord/all/guide.pdf", "%PDF guide", "application/pdf", "Guide%20Eco%27Loc")
	put(t, c, "landlord/all/sub/", "", "", "")                                                                   // a folder's marker
	put(t, c, "landlord/residences/SD01/reglement.pdf", "%PDF règlement", "", "R%C3%A8glement%20int%C3%A9rieur") // no type: by extension
	put(t, c, "landlord/residences/SD01/bad-title.pdf", "x", "application/pdf", "%ZZ")
	put(t, c, "landlord/residences/SD01/ascii.txt", "x", "text/plain", "Plain title")
	// Hostile uploads: a bidi override in the title and the name, a formula,
	// HTML and SVG served from the bucket's origin.
	put(t, c, "landlord/residences/SD01/Guide\u202efdp.exe", "x", "application/pdf", "Guide%E2%80%AEfdp.exe")
	put(t, c, "landlord/residences/SD01/formula.pdf", "x", "application/pdf", "=HYPERLINK(%22http://x%22)")
	put(t, c, "landlord/residences/SD01/page.html", "<script>", "text/html", "Page")
	put(t, c, "landlord/residences/SD01/image.svg", "<svg/>", "", "Image")
	put(t, c, "landlord/residences/SD01/plan.png", "x", "image/png", "Plan")
	put(t, c, "landlord/residences/SD01/photo.jpg", "x", "", "Photo")
	put(t, c, "landlord/residences/SD0/other.pdf", "x", "application/pdf", "")
	put(t, c, "landlord/residences/SD01x/other.pdf", "x", "application/pdf", "")
	put(t, c, "notices/ab/2026-12/L1.pdf", "x", "application/pdf", "")
	shelf := blob.NewShelf(c, bucket)

	got, err := shelf.LandlordDocuments(ctx, "SD01")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"landlord/all/guide.pdf", "landlord/residences/SD01/Guide\u202efdp.exe", "landlord/residences/SD01/ascii.txt",
		"landlord/residences/SD01/bad-title.pdf", "landlord/residences/SD01/formula.pdf", "landlord/residences/SD01/image.svg",
		"landlord/residences/SD01/page.html", "landlord/residences/SD01/photo.jpg", "landlord/residences/SD01/plan.png",
		"landlord/residences/SD01/reglement.pdf"}
	if !slices.Equal(keysOf(got), want) {
		t.Fatalf("SD01's documents %v; want %v", keysOf(got), want)
	}
	titles := map[string]document.Document{}
	for _, d := range got {
		titles[d.Key] = d
		if d.ID != document.LandlordID(d.Key) || d.Kind != document.Landlord || d.Period != "" || d.Date != tenancy.ParisDate(time.Now()) {
			t.Errorf("%s: %+v", d.Key, d)
		}
	}
	for key, w := range map[string]struct {
		title, ct, name string
		size            int64
	}{
		"landlord/all/guide.pdf":                      {"Guide Eco'Loc", "application/pdf", "guide.pdf", 10},
		"landlord/residences/SD01/reglement.pdf":      {"Règlement intérieur", "application/pdf", "reglement.pdf", int64(len("%PDF règlement"))},
		"landlord/residences/SD01/bad-title.pdf":      {"bad-title.pdf", "application/pdf", "bad-title.pdf", 1},
		"landlord/residences/SD01/ascii.txt":          {"Plain title", "application/octet-stream", "ascii.txt", 1},
		"landlord/residences/SD01/Guide\u202efdp.exe": {"Guidefdp.exe", "application/pdf", "Guide\u202efdp.exe", 1},
		"landlord/residences/SD01/formula.pdf":        {"formula.pdf", "application/pdf", "formula.pdf", 1},
		"landlord/residences/SD01/page.html":          {"Page", "application/octet-stream", "page.html", 8},
		"landlord/residences/SD01/image.svg":          {"Image", "application/octet-stream", "image.svg", 6},
		"landlord/residences/SD01/plan.png":           {"Plan", "image/png", "plan.png", 1},
		"landlord/residences/SD01/photo.jpg":          {"Photo", "image/jpeg", "photo.jpg", 1},
	} {
		d := titles[key]
		if d.Title != w.title || d.ContentType != w.ct || d.FileName != w.name || d.SizeBytes != w.size {
			t.Errorf("%s: title %q, type %q, name %q, %d bytes; want %q, %q, %q, %d", key, d.Title, d.ContentType, d.FileName, d.SizeBytes,
				w.title, w.ct, w.name, w.size)
		}
	}
	// No residence, or one that could leave its prefix: every tenant's only.
	for _, r := range []string{"", "SD01/", "../residences/SD01", "SD01/../SD01", "SD 01"} {
		ds, err := shelf.LandlordDocuments(ctx, r)
		if err != nil || !slices.Equal(keysOf(ds), []string{"landlord/all/guide.pdf"}) {
			t.Errorf("residence %q: %v, %v; want the guide only", r, keysOf(ds), err)
		}
	}

	// A warm shelf asks S3 for titles only of versions it has not seen.
	heads.Store(0)
	if _, err := shelf.LandlordDocuments(ctx, "SD01"); err != nil || heads.Load() != 0 {
		t.Errorf("second list: %d HeadObject, %v; want none", heads.Load(), err)
	}
	time.Sleep(1100 * time.Millisecond) // a new LastModified, even at one-second precision
	put(t, c, "landlord/all/guide.pdf", "%PDF guide v2", "application/pdf", "Guide%20Eco%27Loc%202027")
	ds, err := shelf.LandlordDocuments(ctx, "SD01")
	if err != nil || heads.Load() != 1 {
		t.Fatalf("after a new version: %d HeadObject, %v; want 1", heads.Load(), err)
	}
	for _, d := range ds {
		if d.Key == "landlord/all/guide.pdf" && (d.Title != "Guide Eco'Loc 2027" || d.SizeBytes != 13) {
			t.Errorf("new version: %+v", d)
		}
	}
}

func TestDownloadURL(t *testing.T) {
	ctx := context.Background()
	c, _ := s3Emulator(t)
	put(t, c, "notices/ab/2026-12/L1.pdf", "%PDF avis", "application/pdf", "")
	shelf := blob.NewShelf(c, bucket)
	link, err := shelf.DownloadURL(ctx, document.Document{Key: "notices/ab/2026-12/L1.pdf", FileName: "avis-echeance-2026-12.pdf",
		ContentType: "application/pdf"}, 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	wantDisp := `attachment; filename="avis-echeance-2026-12.pdf"; filename*=UTF-8''avis-echeance-2026-12.pdf`
	if q.Get("X-Amz-Expires") != "120" || q.Get("response-content-disposition") != wantDisp ||
		q.Get("response-content-type") != "application/pdf" || q.Get("X-Amz-Signature") == "" || u.Path != "/documents/notices/ab/2026-12/L1.pdf" {
		t.Fatalf("link %s", link)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "%PDF avis" || resp.Header.Get("Content-Disposition") != wantDisp {
		t.Errorf("GET link: %q, Content-Disposition %q", body, resp.Header.Get("Content-Disposition"))
	}
	if _, err := shelf.DownloadURL(ctx, document.Document{}, time.Minute); err == nil {
		t.Error("a link to no key")
	}
}
