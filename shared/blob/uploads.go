package blob

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/citejardins/extranet/shared/insurance"
)

// Uploads is the documents bucket as the insurance certificate uses it:
// presigned POSTs that browsers send files with, and the files as they
// landed.
type Uploads struct {
	client  *s3.Client
	presign *s3.PresignClient
	bucket  string
}

var _ insurance.Files = (*Uploads)(nil)

// NewUploads returns the uploads of the bucket; POSTs are signed with the
// client's credentials for its endpoint.
func NewUploads(client *s3.Client, bucket string) *Uploads {
	return &Uploads{client: client, presign: s3.NewPresignClient(client), bucket: bucket}
}

// PresignUpload signs a browser POST (S3 "POST Object", SigV4) whose policy
// holds the bucket, the exact key, the exact Content-Type, a
// content-length-range of 1 to maxBytes and an expiration ttl from now.
// The Content-Type field is added to the form (PresignPostObject returns
// only the key, policy and signature fields); the browser sends every field,
// then the file, last, in a field named "file".
func (u *Uploads) PresignUpload(ctx context.Context, key, contentType string, maxBytes int64, ttl time.Duration) (insurance.Presigned, error) {
	p, err := u.presign.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: &u.bucket, Key: &key}, func(o *s3.PresignPostOptions) {
		o.Expires = ttl
		o.Conditions = []any{
			map[string]string{"key": key},
			map[string]string{"Content-Type": contentType},
			[]any{"content-length-range", 1, maxBytes},
		}
	})
	if err != nil {
		return insurance.Presigned{}, fmt.Errorf("presign post: %w", err)
	}
	fields := make(map[string]string, len(p.Values)+1)
	for k, v := range p.Values {
		fields[k] = v
	}
	fields["Content-Type"] = contentType
	// The policy's own expiration, as S3 will read it.
	var policy struct {
		Expiration time.Time `json:"expiration"`
	}
	raw, err := base64.StdEncoding.DecodeString(p.Values["policy"])
	if err != nil || json.Unmarshal(raw, &policy) != nil || policy.Expiration.IsZero() {
		return insurance.Presigned{}, errors.New("presign post: no expiration in the policy")
	}
	return insurance.Presigned{URL: p.URL, Fields: fields, ExpiresAt: policy.Expiration.UTC()}, nil
}

// ReadUpload reads at most max bytes of the object at key, and its size.
func (u *Uploads) ReadUpload(ctx context.Context, key string, max int64) ([]byte, int64, error) {
	out, err := u.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &u.bucket, Key: &key})
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		return nil, 0, insurance.ErrNoFile
	}
	if err != nil {
		return nil, 0, fmt.Errorf("get upload: %w", err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, max))
	if err != nil {
		return nil, 0, fmt.Errorf("read upload: %w", err)
	}
	return data, max64(aws.ToInt64(out.ContentLength), int64(len(data))), nil
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// Keep writes a file as it was checked: kept, or put in quarantine.
func (u *Uploads) Keep(ctx context.Context, key, contentType string, data []byte) error {
	_, err := u.client.PutObject(ctx, &s3.PutObjectInput{Bucket: &u.bucket, Key: &key, Body: bytes.NewReader(data),
		ContentType: &contentType, ServerSideEncryption: types.ServerSideEncryptionAes256})
	if err != nil {
		return fmt.Errorf("put certificate: %w", err)
	}
	return nil
}

// Delete removes an object.
func (u *Uploads) Delete(ctx context.Context, key string) error {
	if _, err := u.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &u.bucket, Key: &key}); err != nil {
		return fmt.Errorf("delete upload: %w", err)
	}
	return nil
}
