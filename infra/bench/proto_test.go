package main

import (
	"context"
	"testing"
	"time"
	"fmt"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/importer"
)

func TestProto(t *testing.T) {
	for _, n := range []int{250, 500, 1000} {
		ctx := context.Background()
		db, err := localstack.StartDynamoDB(ctx, "")
		if err != nil { t.Fatal(err) }
		st := dynamo.New(db.Client, localstack.LocalTables)
		sc := erpScale{residences: 100, leases: n, entriesPerLease: 20}
		for _, f := range []struct{name string; src *lineSource}{
			{"residences_complet_20261101.csv", sc.residencesFile()},
			{"baux_complet_20261101.csv", sc.leasesFile()},
			{"signataires_complet_20261101.csv", sc.signatoriesFile()},
			{"ecritures_complet_20261125.csv", sc.entriesFile()},
			{"ecritures_complet_20261125.csv", sc.entriesFile()},
		} {
			t0 := time.Now()
			rep, err := importer.Run(ctx, st, "imports/"+f.name, f.src, importer.Options{})
			if err != nil { t.Fatal(err) }
			d := time.Since(t0)
			fmt.Printf("n=%d %s lines=%d w=%d u=%d rej=%d %v %.0f l/s %v\n", n, f.name, rep.Lines, rep.Written, rep.Unchanged, rep.Rejected, d, float64(rep.Lines)/d.Seconds(), rep.Errors[:min(2,len(rep.Errors))])
		}
		db.Close()
	}
}
