package password

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// fast keeps the suite quick: argon2 at 64 KiB, one pass. Only
// TestDefaultParamsEndToEnd pays for the real cost.
var fast = Hasher{Params: Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}

func mustHash(t *testing.T, h Hasher, pw string) string {
	t.Helper()
	enc, err := h.Hash(pw)
	if err != nil {
		t.Fatalf("Hash(%q) error: %v", pw, err)
	}
	return enc
}

func TestHashFormat(t *testing.T) {
	h := fast
	h.Rand = bytes.NewReader(bytes.Repeat([]byte{0}, 16))
	got := mustHash(t, h, "correct horse battery staple")
	wantPrefix := "$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$"
	if !strings.HasPrefix(got, wantPrefix) {
		t.Fatalf("Hash = %q, want prefix %q", got, wantPrefix)
	}
	if n := len(strings.TrimPrefix(got, wantPrefix)); n != 43 {
		t.Errorf("hash field has %d chars, want 43 (32 bytes, raw base64)", n)
	}
}

func TestVerify(t *testing.T) {
	const pw = "Un logement pour tous, 2024 !"
	enc := mustHash(t, fast, pw)

	tests := []struct {
		name string
		pw   string
		want bool
	}{
		{"same password", pw, true},
		{"wrong password", "Un logement pour tous, 2025 !", false},
		{"different case", strings.ToUpper(pw), false},
		{"empty", "", false},
		{"prefix", pw[:len(pw)-1], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fast.Verify(tt.pw, enc)
			if err != nil {
				t.Fatalf("Verify error: %v", err)
			}
			if got != tt.want {
				t.Errorf("Verify(%q) = %v, want %v", tt.pw, got, tt.want)
			}
		})
	}
}

func TestVerifyTampered(t *testing.T) {
	const pw = "éééééééééééé"
	enc := mustHash(t, fast, pw)
	i := strings.LastIndexByte(enc, '$')

	// Flip every character of the salt and of the hash in turn: each change
	// must either fail to verify or be refused as malformed, never pass.
	for pos := strings.LastIndexByte(enc[:i], '$') + 1; pos < len(enc); pos++ {
		if pos == i {
			continue
		}
		for _, c := range []byte{'A', 'B', 'g', '/', '+', '9'} {
			if enc[pos] == c {
				continue
			}
			tampered := enc[:pos] + string(c) + enc[pos+1:]
			ok, err := fast.Verify(pw, tampered)
			if ok {
				t.Fatalf("tampered %q verified (err %v)", tampered, err)
			}
			if err != nil && !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("tampered %q: error %v does not wrap ErrMalformedHash", tampered, err)
			}
		}
	}
}

func TestSaltDiffers(t *testing.T) {
	const pw = "same password twice"
	a, b := mustHash(t, fast, pw), mustHash(t, fast, pw)
	if a == b {
		t.Fatalf("two hashes of the same password are equal: %q", a)
	}
	for _, enc := range []string{a, b} {
		if ok, err := fast.Verify(pw, enc); !ok || err != nil {
			t.Errorf("Verify(%q) = %v, %v; want true, nil", enc, ok, err)
		}
	}
}

func TestVerifyOtherParams(t *testing.T) {
	// A hash made under older or different settings must still verify with
	// a Hasher configured otherwise, since Verify reads the stored params.
	old := Hasher{Params: Params{Memory: 128, Time: 3, Threads: 2, SaltLen: 8, KeyLen: 16}}
	const pw = "ancien mot de passe"
	enc := mustHash(t, old, pw)
	if want := "$argon2id$v=19$m=128,t=3,p=2$"; !strings.HasPrefix(enc, want) {
		t.Fatalf("Hash = %q, want prefix %q", enc, want)
	}
	for _, h := range []Hasher{fast, {}} {
		if ok, err := h.Verify(pw, enc); !ok || err != nil {
			t.Errorf("Hasher%+v.Verify = %v, %v; want true, nil", h.Params, ok, err)
		}
		if ok, _ := h.Verify("autre mot de passe", enc); ok {
			t.Errorf("Hasher%+v.Verify(wrong) = true", h.Params)
		}
	}
}

// TestVerifyKnownVector pins interoperability with other implementations:
// the string comes from the reference C implementation's CLI (Debian package
// argon2 0~20171227), run as
// `echo -n password | argon2 somesalt -id -t 2 -k 64 -p 1 -l 32`.
func TestVerifyKnownVector(t *testing.T) {
	const enc = "$argon2id$v=19$m=64,t=2,p=1$c29tZXNhbHQ$FqGkmHNGCd0BRW2kBt6fPZ2pPmyGwwChL8FGUhTOSSI"
	ok, err := fast.Verify("password", enc)
	if err != nil || !ok {
		t.Fatalf("Verify(known vector) = %v, %v; want true, nil", ok, err)
	}
	h := Hasher{
		Params: Params{Memory: 64, Time: 2, Threads: 1, SaltLen: 8, KeyLen: 32},
		Rand:   strings.NewReader("somesalt"),
	}
	if got := mustHash(t, h, "password"); got != enc {
		t.Errorf("Hash with the same salt = %q, want %q", got, enc)
	}
}

func TestVerifyMalformed(t *testing.T) {
	good := mustHash(t, fast, "whatever password")
	fields := strings.Split(good, "$")
	salt, hash := fields[4], fields[5]
	tests := []struct {
		name string
		enc  string
	}{
		{"empty", ""},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + hash},
		{"argon2d", "$argon2d$v=19$m=64,t=1,p=1$" + salt + "$" + hash},
		{"no leading $", "argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + hash},
		{"old version", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + hash},
		{"no version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + hash},
		{"extra field", good + "$"},
		{"params out of order", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + hash},
		{"missing param", "$argon2id$v=19$m=64,t=1$" + salt + "$" + hash},
		{"extra param", "$argon2id$v=19$m=64,t=1,p=1,keyid=x$" + salt + "$" + hash},
		{"leading zero", "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + hash},
		{"sign", "$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + hash},
		{"negative", "$argon2id$v=19$m=64,t=-1,p=1$" + salt + "$" + hash},
		{"time zero", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + hash},
		{"threads zero", "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + hash},
		{"threads over uint8", "$argon2id$v=19$m=64000,t=1,p=256$" + salt + "$" + hash},
		{"memory below 8 per lane", "$argon2id$v=19$m=15,t=1,p=2$" + salt + "$" + hash},
		{"memory over cap", "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + hash},
		{"memory over uint32", "$argon2id$v=19$m=4294967296,t=1,p=1$" + salt + "$" + hash},
		{"time over cap", "$argon2id$v=19$m=64,t=65,p=1$" + salt + "$" + hash},
		{"padded salt", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + hash},
		{"url base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + strings.NewReplacer("+", "-", "/", "_").Replace(hash) + "-_"},
		{"empty salt", "$argon2id$v=19$m=64,t=1,p=1$$" + hash},
		{"short salt", "$argon2id$v=19$m=64,t=1,p=1$AAAA$" + hash},
		{"empty hash", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$"},
		{"short hash", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$AAAAAAAAAAAAAAAAAAAA"},
		{"huge hash", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + strings.Repeat("A", 1<<20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := fast.Verify("whatever password", tt.enc)
			if ok || err == nil {
				t.Fatalf("Verify = %v, %v; want false and an error", ok, err)
			}
			if !errors.Is(err, ErrMalformedHash) {
				t.Errorf("error %v does not wrap ErrMalformedHash", err)
			}
			if msg := err.Error(); msg != strings.ToLower(msg[:1])+msg[1:] || !strings.HasPrefix(msg, "password: ") {
				t.Errorf("error %q should start with \"password: \"", msg)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	enc := mustHash(t, fast, "some password here")
	tests := []struct {
		name   string
		params Params
		enc    string
		want   bool
	}{
		{"same params", fast.Params, enc, false},
		{"more memory wanted", Params{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, enc, true},
		{"more time wanted", Params{Memory: 64, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}, enc, true},
		{"more threads wanted", Params{Memory: 64, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}, enc, true},
		{"longer salt wanted", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 32, KeyLen: 32}, enc, true},
		{"longer key wanted", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 64}, enc, true},
		{"zero params mean defaults", Params{}, enc, true},
		{"malformed", fast.Params, "not a hash", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Hasher{Params: tt.params}).NeedsRehash(tt.enc); got != tt.want {
				t.Errorf("NeedsRehash = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHashInvalidParams(t *testing.T) {
	tests := []struct {
		name string
		p    Params
	}{
		{"time zero", Params{Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"threads zero", Params{Memory: 64, Time: 1, Threads: 0, SaltLen: 16, KeyLen: 32}},
		{"memory too low", Params{Memory: 7, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"salt too short", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}},
		{"key too short", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if enc, err := (Hasher{Params: tt.p}).Hash("whatever password"); err == nil {
				t.Errorf("Hash = %q, nil; want an error", enc)
			}
		})
	}
}

func TestHashRandError(t *testing.T) {
	h := fast
	h.Rand = bytes.NewReader(make([]byte, 3)) // shorter than the salt
	if enc, err := h.Hash("whatever password"); err == nil {
		t.Fatalf("Hash = %q, nil; want an error when the salt cannot be read", enc)
	}
}

func TestVerifyDummy(t *testing.T) {
	// VerifyDummy's contract is timing, which a unit test cannot pin down
	// reliably; check that the dummy hash is one Verify accepts as
	// well-formed (so the full argon2 cost is paid) and that it never panics.
	tests := []struct {
		name string
		h    Hasher
		want string
	}{
		{"own params", fast, "$argon2id$v=19$m=64,t=1,p=1$"},
		{"invalid params fall back to defaults", Hasher{Params: Params{Memory: 1}}, "$argon2id$v=19$m=19456,t=2,p=1$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dummy := tt.h.dummyHash()
			if !strings.HasPrefix(dummy, tt.want) {
				t.Errorf("dummyHash = %q, want prefix %q", dummy, tt.want)
			}
			if ok, err := tt.h.Verify("x", dummy); ok || err != nil {
				t.Errorf("Verify(dummy) = %v, %v; want false, nil", ok, err)
			}
			tt.h.VerifyDummy("x")
		})
	}
}

func TestDefaultParamsEndToEnd(t *testing.T) {
	var h Hasher // zero value: DefaultParams and crypto/rand
	const pw = "Résidence des Lilas, bât. B"
	enc := mustHash(t, h, pw)
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; !strings.HasPrefix(enc, want) {
		t.Fatalf("Hash = %q, want prefix %q", enc, want)
	}
	fields := strings.Split(enc, "$")
	if len(fields[4]) != 22 || len(fields[5]) != 43 {
		t.Errorf("salt/hash fields are %d/%d chars, want 22/43 (16/32 bytes)", len(fields[4]), len(fields[5]))
	}
	if ok, err := h.Verify(pw, enc); !ok || err != nil {
		t.Errorf("Verify(right) = %v, %v; want true, nil", ok, err)
	}
	if ok, err := h.Verify(pw+" ", enc); ok || err != nil {
		t.Errorf("Verify(wrong) = %v, %v; want false, nil", ok, err)
	}
	if h.NeedsRehash(enc) {
		t.Error("NeedsRehash(fresh default hash) = true")
	}
	if (Hasher{Params: DefaultParams}).NeedsRehash(enc) {
		t.Error("NeedsRehash with explicit DefaultParams = true")
	}
	h.VerifyDummy(pw)
}

func BenchmarkHashDefault(b *testing.B) {
	h := Hasher{Params: DefaultParams}
	for b.Loop() {
		if _, err := h.Hash("Résidence des Lilas, bât. B"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyDefault and BenchmarkVerifyDummyDefault should report
// the same time: that equality is VerifyDummy's whole purpose.
func BenchmarkVerifyDefault(b *testing.B) {
	h := Hasher{Params: DefaultParams}
	enc, err := h.Hash("Résidence des Lilas, bât. B")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_, _ = h.Verify("Résidence des Lilas, bât. C", enc)
	}
}

func BenchmarkVerifyDummyDefault(b *testing.B) {
	h := Hasher{Params: DefaultParams}
	for b.Loop() {
		h.VerifyDummy("Résidence des Lilas, bât. B")
	}
}
