// Package blob keeps files in Amazon S3: the ERP's import files and their
// reports, and the events the ERP fetches.
package blob

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/citejardins/extranet/shared/tenant"
)

// Bucket is one S3 bucket.
type Bucket struct {
	client *s3.Client
	name   string
}

// New returns the bucket of that name.
func New(client *s3.Client, name string) *Bucket { return &Bucket{client: client, name: name} }

// Open streams an object; the caller closes it.
func (b *Bucket) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.name, Key: &key})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	return out.Body, nil
}

// PutJSON writes v as a JSON object.
func (b *Bucket) PutJSON(ctx context.Context, key string, v any) error {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	_, err = b.client.PutObject(ctx, &s3.PutObjectInput{Bucket: &b.name, Key: &key, Body: bytes.NewReader(body),
		ContentType: aws.String("application/json"), ServerSideEncryption: types.ServerSideEncryptionAes256})
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// ExportsPrefix is where the ERP fetches the portal's events.
const ExportsPrefix = "exports/events/"

var _ tenant.Publisher = (*Bucket)(nil)

// eventRecord is an event as the ERP reads it: one JSON object per line.
type eventRecord struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Reference string    `json:"reference"`
	At        time.Time `json:"at"`
	Data      any       `json:"data"`
}

// EventKey is where an event is published: by day, in time order, named by
// its id, so that publishing twice writes the same object.
func EventKey(e tenant.Event) string {
	at := e.At.UTC()
	return ExportsPrefix + at.Format("2006/01/02/") + at.Format("20060102T150405.000000000Z") + "-" + e.ID + ".jsonl"
}

// Publish writes the event for the ERP.
func (b *Bucket) Publish(ctx context.Context, e tenant.Event) error {
	line, err := json.Marshal(eventRecord{ID: e.ID, Type: e.Type, Reference: e.Reference, At: e.At.UTC(), Data: e.Data})
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	key := EventKey(e)
	_, err = b.client.PutObject(ctx, &s3.PutObjectInput{Bucket: &b.name, Key: &key, Body: bytes.NewReader(append(line, '\n')),
		ContentType: aws.String("application/x-ndjson"), ServerSideEncryption: types.ServerSideEncryptionAes256})
	if err != nil {
		return fmt.Errorf("publish event: %w", err)
	}
	return nil
}
