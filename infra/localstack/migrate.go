package localstack

import (
	"context"
	"fmt"

	"github.com/citejardins/extranet/shared/dynamo"
	"github.com/citejardins/extranet/shared/portal"
)

// RunMigrate runs the migrate function as the deploy step does (an
// invoke), and returns its report. The stack runs it at start, after the
// demo data: on its fresh tables it moves nothing, and it keeps the
// function's wiring exercised.
func (s *Stack) RunMigrate(ctx context.Context) (dynamo.MigrationReport, error) {
	env, err := s.FunctionEnv("migrate")
	if err != nil {
		return dynamo.MigrationReport{}, err
	}
	getenv := functionGetenv(env)
	run, err := portal.MigrateHandler(portal.AWSConfig(getenv), getenv, s.log.With("function", "migrate"))
	if err != nil {
		return dynamo.MigrationReport{}, fmt.Errorf("function migrate: %w", err)
	}
	return run(ctx)
}
