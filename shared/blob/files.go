package blob

import (
	"bytes"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/citejardins/extranet/shared/noticerun"
)

var _ noticerun.Files = (*Bucket)(nil)

// Put writes an object (a notice, a print batch's PDF or manifest),
// encrypted at rest; a put at the same key replaces it.
func (b *Bucket) Put(ctx context.Context, key, contentType string, body []byte) error {
	_, err := b.client.PutObject(ctx, &s3.PutObjectInput{Bucket: &b.name, Key: &key, Body: bytes.NewReader(body),
		ContentType: aws.String(contentType), ServerSideEncryption: types.ServerSideEncryptionAes256})
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}
