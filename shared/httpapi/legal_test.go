package httpapi_test

import (
	"slices"
	"testing"
)

type legalTestJSON struct {
	Name                string   `json:"name"`
	Address             []string `json:"address"`
	Phone               string   `json:"phone"`
	SIREN               string   `json:"siren"`
	PublicationDirector string   `json:"publicationDirector"`
	DPOEmail            string   `json:"dpoEmail"`
	HostRegion          string   `json:"hostRegion"`
}

// TestLegalFromSettings checks that GET /api/v1/legal answers, without a
// session, the landlord's details as the settings give them (address
// lines split on "|", blanks dropped), and the data's region.
func TestLegalFromSettings(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{
		"LANDLORD_NAME": "Office Test Habitat", "LANDLORD_ADDRESS": " 1 place de la Mairie | 75001 Paris ",
		"LANDLORD_PHONE": "01 02 03 04 05", "LANDLORD_SIREN": " 987 654 321 ",
		"LANDLORD_PUBLICATION_DIRECTOR": "Jeanne Test, présidente", "LANDLORD_DPO_EMAIL": "dpo@test.example",
	})
	got := as[legalTestJSON](t, a.get(t, "/api/v1/legal", nil))
	want := legalTestJSON{Name: "Office Test Habitat", Address: []string{"1 place de la Mairie", "75001 Paris"},
		Phone: "01 02 03 04 05", SIREN: "987 654 321", PublicationDirector: "Jeanne Test, présidente",
		DPOEmail: "dpo@test.example", HostRegion: "eu-west-3"}
	if got.Name != want.Name || !slices.Equal(got.Address, want.Address) || got.Phone != want.Phone || got.SIREN != want.SIREN ||
		got.PublicationDirector != want.PublicationDirector || got.DPOEmail != want.DPOEmail || got.HostRegion != want.HostRegion {
		t.Errorf("legal: %+v; want %+v", got, want)
	}
}

// TestLegalEmptySettings checks that settings left empty answer empty
// strings (never null nor absent), which the pages show as "non renseigné".
func TestLegalEmptySettings(t *testing.T) {
	t.Parallel()
	a := start(t, map[string]string{"LANDLORD_PHONE": "", "LANDLORD_SIREN": "",
		"LANDLORD_PUBLICATION_DIRECTOR": "", "LANDLORD_DPO_EMAIL": ""})
	got := as[obj](t, a.get(t, "/api/v1/legal", nil))
	for _, k := range []string{"phone", "siren", "publicationDirector", "dpoEmail"} {
		if got[k] != "" {
			t.Errorf("%s: %#v; want \"\"", k, got[k])
		}
	}
}
