package password

import (
	"errors"
	"testing"
)

// FuzzVerify feeds arbitrary encoded strings to the PHC parser and to Verify.
// Besides "never panics", it checks that the parser is canonical: whatever it
// accepts re-encodes to the very same string, so two spellings of one hash
// cannot exist (NeedsRehash and tamper detection rely on that).
func FuzzVerify(f *testing.F) {
	seeds := []string{
		"$argon2id$v=19$m=64,t=2,p=1$c29tZXNhbHQ$FqGkmHNGCd0BRW2kBt6fPZ2pPmyGwwChL8FGUhTOSSI",
		"$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=128,t=3,p=2$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=0,t=0,p=0$$",
		"$argon2id$v=19$m=4294967295,t=4294967295,p=255$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=064,t=2,p=1$c29tZXNhbHQ$FqGkmHNGCd0BRW2kBt6fPZ2pPmyGwwChL8FGUhTOSSI",
		"$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"$$$$$",
		"",
	}
	for _, s := range seeds {
		f.Add("password", s)
	}

	f.Fuzz(func(t *testing.T, pw, encoded string) {
		p, salt, key, err := decode(encoded)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("decode(%q) error %v does not wrap ErrMalformedHash", encoded, err)
			}
			if ok, verr := fast.Verify(pw, encoded); ok || verr == nil {
				t.Fatalf("Verify accepted %q that decode refused", encoded)
			}
			return
		}
		if got := encode(p, salt, key); got != encoded {
			t.Fatalf("decode/encode round trip: %q became %q", encoded, got)
		}
		// Running argon2 with up to 1 GiB per input would make the fuzzer
		// crawl; the cheap cases go through the same code.
		if p.Memory > 1024 || p.Time > 4 {
			return
		}
		if _, err := fast.Verify(pw, encoded); err != nil {
			t.Fatalf("Verify(%q) error %v after decode succeeded", encoded, err)
		}
	})
}
