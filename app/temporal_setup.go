package app

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"

	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/periodic"
	"github.com/tempomall/tempomall/workflows/search"
)

// RegisterSearchAttributes registers the search attributes tempomall's
// workflows keep (workflows/search) in the configured namespace. It waits
// for the namespace, and is idempotent: attributes that exist with the
// same type are left alone; one that exists with another type is an error.
func RegisterSearchAttributes(ctx context.Context, cfg config.Config) ([]string, error) {
	c, err := DialTemporal(ctx, cfg, nil)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	ns := cfg.TemporalNamespace
	var existing map[string]enums.IndexedValueType
	err = periodic.Retry(ctx, time.Second, "namespace "+ns, func(ctx context.Context) error {
		resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: ns})
		existing = resp.GetCustomAttributes()
		return err
	})
	if err != nil {
		return nil, err
	}
	missing := map[string]enums.IndexedValueType{}
	for name, typ := range search.Registrations {
		have, ok := existing[name]
		switch {
		case !ok:
			missing[name] = typ
		case have != typ:
			return nil, fmt.Errorf("search attribute %s exists as %s, tempomall needs %s", name, have, typ)
		}
	}
	if len(missing) == 0 {
		return nil, nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: ns, SearchAttributes: missing,
	})
	if err != nil {
		return nil, fmt.Errorf("add search attributes: %w", err)
	}
	added := make([]string, 0, len(missing))
	for name := range missing {
		added = append(added, name)
	}
	return added, nil
}
