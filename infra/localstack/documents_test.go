package localstack

import (
	"context"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestStackLoadsTheDemoDocumentsOnce: the landlord's demo PDFs are in the
// documents bucket as committed, titled, and a restart on the same data
// leaves them alone (their date is their first upload's).
func TestStackLoadsTheDemoDocumentsOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	root, err := FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"landlord/all/guide-eco-loc.pdf":                   "Guide Eco’Loc",
		"landlord/residences/SD01/reglement-interieur.pdf": "Règlement intérieur, Résidence Les Jardins",
	}
	first := map[string]time.Time{}
	for run := 1; run <= 2; run++ {
		st, err := Start(ctx, Options{Addr: "127.0.0.1:0", DataDir: dir})
		if err != nil {
			t.Fatalf("start %d: %v", run, err)
		}
		client := st.S3Client()
		for key, title := range want {
			out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: &DocumentsBucket, Key: aws.String(key)})
			if err != nil {
				t.Fatalf("run %d, %s: %v", run, key, err)
			}
			body, _ := io.ReadAll(out.Body)
			out.Body.Close()
			committed, err := os.ReadFile(filepath.Join(root, "infra", "demo", "documents", filepath.FromSlash(key)))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := url.PathUnescape(out.Metadata["title"])
			if string(body) != string(committed) || got != title || aws.ToString(out.ContentType) != "application/pdf" {
				t.Errorf("run %d, %s: %d bytes (want %d), title %q (want %q), type %q", run, key, len(body), len(committed),
					got, title, aws.ToString(out.ContentType))
			}
			modified := aws.ToTime(out.LastModified)
			if run == 1 {
				first[key] = modified
			} else if !modified.Equal(first[key]) {
				t.Errorf("%s was uploaded again at the restart: %s, then %s", key, first[key], modified)
			}
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if run == 1 {
			time.Sleep(1100 * time.Millisecond) // a second upload would show in LastModified
		}
	}
}
