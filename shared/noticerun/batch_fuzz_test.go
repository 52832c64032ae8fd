package noticerun_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/citejardins/extranet/shared/noticerun"
)

// DecodeBatch parses an SQS message body, outside input: whatever it
// holds, it is refused with ErrBadBatch or read as a batch that encodes and
// decodes back to itself, with canonical references and two-digit shards.
func FuzzDecodeBatch(f *testing.F) {
	for _, s := range []string{
		`{"period":"2026-12","attempt":"a1","issued":"2026-11-20","leases":[{"ref":"1234567","shard":"07"}]}`,
		`{"period":"2026-13","attempt":"a1","issued":"2026-11-20","leases":[]}`,
		`{"period":"2026-12","attempt":"","issued":"2026-02-30","leases":[{"ref":"0001","shard":"7"}]}`,
		`{"period":"2026-12","attempt":"a","issued":"2026-11-20","leases":[{"ref":"1","shard":"00"}],"x":1}`,
		`[]`, `null`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		b, err := noticerun.DecodeBatch(body)
		if err != nil {
			if !errors.Is(err, noticerun.ErrBadBatch) {
				t.Fatalf("DecodeBatch(%q): %v, not ErrBadBatch", body, err)
			}
			return
		}
		if b.Period.IsZero() || b.Issued.IsZero() || b.Attempt == "" || len(b.Leases) == 0 {
			t.Fatalf("DecodeBatch(%q) = %+v: an empty field", body, b)
		}
		again, err := noticerun.DecodeBatch(b.Encode())
		if err != nil || !reflect.DeepEqual(again, b) {
			t.Fatalf("DecodeBatch(%q) = %+v; encoded and decoded again: %+v, %v", body, b, again, err)
		}
	})
}
