package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// runNotices asks the running stack to run a period's notices (POST
// /_dev/notices, which answers once the run is over) and prints the run's
// counts as the stack gave them.
func runNotices(ctx context.Context, base, period string, stdout io.Writer) error {
	return postDev(ctx, base, "/_dev/notices", map[string]string{"period": period}, "notices for "+period, stdout)
}

// postDev posts in, as JSON, to the running stack's dev route path and
// prints its answer, indented if it is JSON. An answer other than 200 is an
// error named what.
func postDev(ctx context.Context, base, path string, in any, what string, stdout io.Writer) error {
	body, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("is the local stack running (make run)? %w", err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s %s", what, resp.Status, bytes.TrimSpace(out))
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, out, "", "  ") != nil {
		pretty.Write(out)
	}
	fmt.Fprintf(stdout, "%s\n", bytes.TrimSpace(pretty.Bytes()))
	return nil
}
