package document

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/citejardins/extranet/shared/notice"
)

// Ids are opaque to clients but readable by the server: a lease's document
// is `<kind>-<AAAA-MM>-<12 hex>` (the hash also covers, for a document made
// on request, its version) and a landlord's file is
// `landlord-<16 hex>`. The hex is a hash bound to the lease (or to the
// file's key), so that the id of one tenant's notice is never the id of
// another's: a look-up reads the key the id names within the asking
// tenant's lease, then compares the stored id with the one asked for.
// The hash is no secret; ownership comes from the session, not the id.

const (
	leaseHashLen    = 12
	landlordHashLen = 16
	// MaxIDLen bounds what an id can be; longer ones are not ids.
	MaxIDLen = 64
)

// LeaseDocumentID is the id of a lease's document of kind k for the period
// (AAAA-MM), e.g. notice-2026-12-3f9a1c0b7d2e.
func LeaseDocumentID(ref string, k Kind, period string) string {
	sum := sha256.Sum256([]byte("lease-document\x00" + ref + "\x00" + string(k) + "\x00" + period))
	return string(k) + "-" + period + "-" + hex.EncodeToString(sum[:])[:leaseHashLen]
}

// IssuedDocumentID is the id of a document of kind k (Kind.Issued) made on
// request for lease ref, period (AAAA-MM) and version (its facts'
// fingerprint), e.g. rent_receipt-2026-11-5c0d17a2e9b4. Another version,
// lease, kind or period gives another id.
func IssuedDocumentID(ref string, k Kind, period, version string) string {
	sum := sha256.Sum256([]byte("issued-document\x00" + ref + "\x00" + string(k) + "\x00" + period + "\x00" + version))
	return string(k) + "-" + period + "-" + hex.EncodeToString(sum[:])[:leaseHashLen]
}

// LandlordID is the id of a landlord's file stored under key, the same for
// every tenant who may read it.
func LandlordID(key string) string {
	sum := sha256.Sum256([]byte("landlord-document\x00" + key))
	return string(Landlord) + "-" + hex.EncodeToString(sum[:])[:landlordHashLen]
}

// ParsedID is what an id says of its document before it is looked up.
type ParsedID struct {
	Kind   Kind
	Period string // AAAA-MM for a lease's document, empty for a landlord's
	// Hash is the id's 12 hex for a lease's document, empty for a
	// landlord's: it names the item of a document made on request.
	Hash string
}

// ParseID reads an id's kind and period. It reports false for anything
// that is not the shape of an id (which the API answers as not found).
func ParseID(id string) (ParsedID, bool) {
	if len(id) > MaxIDLen {
		return ParsedID{}, false
	}
	kind, rest, ok := strings.Cut(id, "-")
	if !ok {
		return ParsedID{}, false
	}
	switch Kind(kind) {
	case Landlord:
		if !isHex(rest, landlordHashLen) {
			return ParsedID{}, false
		}
		return ParsedID{Kind: Landlord}, true
	case Notice, RentReceipt, PaymentReceipt, TenancyCertificate, SepaMandate:
		if len(rest) != 7+1+leaseHashLen || rest[7] != '-' || !isHex(rest[8:], leaseHashLen) {
			return ParsedID{}, false
		}
		p, err := notice.ParsePeriod(rest[:7])
		if err != nil || p.String() != rest[:7] {
			return ParsedID{}, false
		}
		return ParsedID{Kind: Kind(kind), Period: rest[:7], Hash: rest[8:]}, true
	}
	return ParsedID{}, false
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
