package password_test

import (
	"errors"
	"fmt"

	"github.com/citejardins/extranet/shared/password"
)

func Example() {
	var h password.Hasher // DefaultParams, crypto/rand

	// Sign-up or password change: apply the policy, then store the hash.
	for _, pw := range []string{"soleil", "Azertyuiop123", "le chat de la voisine"} {
		var pe *password.PolicyError
		if err := password.Check(pw); errors.As(err, &pe) {
			fmt.Printf("%q refused: %s\n", pw, pe.Reason)
		}
	}
	encoded, err := h.Hash("le chat de la voisine")
	if err != nil {
		panic(err)
	}

	// Login: verify, and upgrade the hash if the parameters have changed.
	ok, err := h.Verify("le chat de la voisine", encoded)
	fmt.Println("login ok:", ok, err)
	fmt.Println("needs rehash:", h.NeedsRehash(encoded))

	// Unknown email: burn the same time as a real check, then refuse.
	h.VerifyDummy("whatever was typed")

	// Output:
	// "soleil" refused: too_short
	// "Azertyuiop123" refused: common
	// login ok: true <nil>
	// needs rehash: false
}
