package dynamo_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/citejardins/extranet/shared/directory"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/tenancy"
)

// TestDirectoryUnderConcurrentWrites checks that 40 writers changing one
// residence's name and its emergency contact at once leave its directory
// entry equal to what is stored in the end, with no search item of a name
// it no longer has.
func TestDirectoryUnderConcurrentWrites(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	name := func(i int) string { return fmt.Sprintf("Résidence N%02d", i) }
	res := func(i int) tenancy.Residence {
		return tenancy.Residence{ID: "R1", Name: name(i), Street: "1 rue Haute", PostalCode: "93200", City: "Saint-Denis"}
	}
	urgence := func(i int) dynamo.ContactOf {
		return dynamo.ContactOf{ResidenceID: "R1", Contact: tenancy.Contact{Role: tenancy.Emergency, Name: "Astreinte", Phone: fmt.Sprintf("01 00 00 00 %02d", i)}}
	}
	if _, err := st.UpsertResidences(ctx, []tenancy.Residence{res(99)}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				_, err = st.UpsertResidences(ctx, []tenancy.Residence{res(i)})
			} else {
				_, err = st.UpsertContacts(ctx, []dynamo.ContactOf{urgence(i)})
			}
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		}()
	}
	wg.Wait()

	r, cs, err := st.Residence(ctx, "R1")
	if err != nil || len(cs) != 1 {
		t.Fatalf("residence: %+v %+v %v", r, cs, err)
	}
	all, err := st.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Residence != r.Name || all[0].Phone != cs[0].Phone {
		t.Fatalf("directory %+v; want %q with %q", all, r.Name, cs[0].Phone)
	}
	for i := 0; i < 100; i += 2 {
		got, _, err := st.SearchDirectory(ctx, directory.Fold(name(i)), directory.MaxResults)
		if err != nil {
			t.Fatal(err)
		}
		if want := name(i) == r.Name; (len(got) == 1) != want || len(got) > 1 {
			t.Errorf("search %q: %+v; want found only if it is the name stored (%q)", name(i), got, r.Name)
		}
	}
	if got, _, _ := st.SearchDirectory(ctx, "saintdenis", directory.MaxResults); len(got) != 1 || got[0].Phone != cs[0].Phone {
		t.Errorf("search saint-denis: %+v; want the stored phone %q", got, cs[0].Phone)
	}
}

// TestDirectoryTerms checks what a residence is found by.
func TestDirectoryTerms(t *testing.T) {
	got := directory.Terms(directory.Entry{Residence: "Résidence Les Jardins", PostalCode: "93200", City: "Saint-Denis"})
	want := []string{"93200", "residencelesjardins", "lesjardins", "jardins", "saintdenis", "denis"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("terms %q; want %q", got, want)
	}
}
