// Package password hashes, verifies and vets the passwords of the tenant
// portal.
//
// Hashing uses argon2id and stores hashes as PHC strings, so that the
// parameters travel with each hash and can be raised later without breaking
// existing accounts (see [Hasher.NeedsRehash]). The policy in [Check] follows
// CNIL deliberation 2022-100: a length floor and a blocklist of common
// passwords (with blank and repeated ones, see [Weakness]), and deliberately
// no composition rules. Personal data are the account service's to compare.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters and output sizes.
type Params struct {
	Memory  uint32 // memory cost in KiB
	Time    uint32 // number of passes over the memory
	Threads uint8  // degree of parallelism
	SaltLen uint32 // salt length in bytes
	KeyLen  uint32 // derived key length in bytes
}

// DefaultParams are the OWASP-recommended argon2id settings (19 MiB, two
// passes, one lane): strong enough for a portal password while fitting in
// a small Lambda's memory and latency budget.
var DefaultParams = Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Bounds on parameters. They exist so that a corrupted or hostile stored
// hash cannot make Verify allocate gigabytes or spin for minutes, and so
// that argon2 is never called with values that make it panic.
const (
	maxMemory  = 1 << 20 // KiB, 1 GiB
	maxTime    = 64
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 128
)

// ErrMalformedHash is wrapped by every error that Verify returns for an
// encoded hash it cannot use, so callers can tell corrupt data apart from
// a wrong password (which is not an error).
var ErrMalformedHash = errors.New("password: malformed hash")

// errBadParams is returned by Hash when the Hasher is misconfigured; it is
// kept apart from ErrMalformedHash because it is a programming error, not
// bad data.
var errBadParams = errors.New("password: invalid argon2id parameters")

// b64 is strict so that flipping the unused low bits of the last character
// does not decode to the same bytes: a tampered string must not verify.
var b64 = base64.RawStdEncoding.Strict()

// Hasher hashes and verifies passwords. The zero value is ready to use and
// hashes with DefaultParams and crypto/rand.
type Hasher struct {
	// Params are used for new hashes and as the target of NeedsRehash.
	// A zero Params means DefaultParams.
	Params Params
	// Rand is the salt source; nil means crypto/rand. Tests inject a
	// deterministic reader here.
	Rand io.Reader
}

func (h Hasher) params() Params {
	if h.Params == (Params{}) {
		return DefaultParams
	}
	return h.Params
}

func (h Hasher) rand() io.Reader {
	if h.Rand == nil {
		return rand.Reader
	}
	return h.Rand
}

// validate applies the same bounds to our own parameters as to parsed ones,
// so that every hash we produce is one we accept back.
func (p Params) validate() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("time %d out of range [1, %d]", p.Time, maxTime)
	case p.Threads < 1:
		return errors.New("threads must be at least 1")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		// RFC 9106 requires at least 8 KiB per lane.
		return fmt.Errorf("memory %d KiB out of range [%d, %d]", p.Memory, 8*uint32(p.Threads), maxMemory)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("salt length %d out of range [%d, %d]", p.SaltLen, minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("key length %d out of range [%d, %d]", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// Hash derives an argon2id key from pw with a fresh random salt and returns
// it as a PHC string: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
//
// Hash does not apply the policy: call [Check] first when the user chooses a
// password.
func (h Hasher) Hash(pw string) (string, error) {
	p := h.params()
	if err := p.validate(); err != nil {
		return "", fmt.Errorf("%w: %w", errBadParams, err)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := io.ReadFull(h.rand(), salt); err != nil {
		return "", fmt.Errorf("password: reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encode(p, salt, key), nil
}

// Verify reports whether pw matches the encoded hash. It uses the
// parameters stored in encoded, not h.Params, so hashes made with older
// settings keep working. A mismatch is (false, nil); an error, which wraps
// ErrMalformedHash, means encoded could not be used at all.
func (h Hasher) Verify(pw, encoded string) (bool, error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NeedsRehash reports whether encoded was made with parameters other than
// h's (or cannot be parsed), so the caller should store a new hash after the
// next successful login, while it still has the clear password.
func (h Hasher) NeedsRehash(encoded string) bool {
	p, _, _, err := decode(encoded)
	return err != nil || p != h.params()
}

// dummySalt is fixed because the dummy hash protects no secret: it only
// has to cost what a real hash costs.
var dummySalt = make([]byte, maxSaltLen)

// VerifyDummy spends the time of a Verify against a hash made with h's
// parameters and discards the result. Call it when the account does not
// exist, so that an unknown email and a wrong password take the same time and
// login responses do not reveal which emails have accounts.
//
// The dummy hash is built per call from h's parameters, a fixed salt and an
// all-zero key: it needs no argon2 run of its own, so there is nothing to
// precompute at init or on the first call (which would make that first call
// twice as slow), yet it goes through exactly the same code path as Verify.
func (h Hasher) VerifyDummy(pw string) {
	_, _ = h.Verify(pw, h.dummyHash())
}

func (h Hasher) dummyHash() string {
	p := h.params()
	if p.validate() != nil {
		// Hash refuses these params too, so no real hash with them exists
		// whose timing could be told apart.
		p = DefaultParams
	}
	return encode(p, dummySalt[:p.SaltLen], make([]byte, p.KeyLen))
}

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformedHash}, args...)...)
}

// decode parses a PHC argon2id string. It is strict (fixed field order, no
// leading zeros, canonical base64) so that each accepted string has exactly
// one form, which keeps NeedsRehash and tamper detection simple.
func decode(encoded string) (p Params, salt, key []byte, err error) {
	fields := strings.Split(encoded, "$")
	if len(fields) != 6 || fields[0] != "" {
		return p, nil, nil, malformed("want 5 $-separated fields")
	}
	if fields[1] != "argon2id" {
		return p, nil, nil, malformed("unsupported algorithm %q", fields[1])
	}
	v, ok := strings.CutPrefix(fields[2], "v=")
	if !ok {
		return p, nil, nil, malformed("missing version")
	}
	if version, err := parseUint(v, 32); err != nil {
		return p, nil, nil, malformed("version: %w", err)
	} else if version != argon2.Version {
		return p, nil, nil, malformed("unsupported version %d", version)
	}

	params := strings.Split(fields[3], ",")
	if len(params) != 3 {
		return p, nil, nil, malformed("want m, t and p parameters")
	}
	var vals [3]uint64
	for i, name := range [3]string{"m=", "t=", "p="} {
		s, ok := strings.CutPrefix(params[i], name)
		if !ok {
			return p, nil, nil, malformed("parameter %d: want %q", i+1, name)
		}
		bits := 32
		if name == "p=" {
			bits = 8
		}
		if vals[i], err = parseUint(s, bits); err != nil {
			return p, nil, nil, malformed("parameter %s: %w", name[:1], err)
		}
	}
	p.Memory, p.Time, p.Threads = uint32(vals[0]), uint32(vals[1]), uint8(vals[2])

	// Bound the encoded lengths before decoding so a huge field is refused
	// without allocating for it.
	if len(fields[4]) > b64.EncodedLen(maxSaltLen) || len(fields[5]) > b64.EncodedLen(maxKeyLen) {
		return p, nil, nil, malformed("salt or hash too long")
	}
	// encoding/base64 skips \r and \n even in strict mode; a stored hash
	// has neither, so one that does was altered.
	if strings.ContainsAny(fields[4]+fields[5], "\r\n") {
		return p, nil, nil, malformed("line break in salt or hash")
	}
	if salt, err = b64.DecodeString(fields[4]); err != nil {
		return p, nil, nil, malformed("salt: %w", err)
	}
	if key, err = b64.DecodeString(fields[5]); err != nil {
		return p, nil, nil, malformed("hash: %w", err)
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if err := p.validate(); err != nil {
		return p, nil, nil, malformed("%w", err)
	}
	return p, salt, key, nil
}

// parseUint accepts only canonical decimal (no sign, no leading zeros), as
// the PHC string format requires.
func parseUint(s string, bits int) (uint64, error) {
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("leading zero in %q", s)
	}
	return strconv.ParseUint(s, 10, bits)
}

// Weakness is [Weakness]: why the policy refuses pw beyond its length
// (Blank, Repeated, Common), or "".
func (h Hasher) Weakness(pw string) string {
	return Weakness(pw)
}
