//go:build tools

// Package tools pins the build tools of tempomall (the Kitex code generator,
// the Temporal CLI, grpcurl, Temporal's workflowcheck and the Helm CLI). It
// lives outside go.work so that the tools' dependencies never enter the
// product's build list.
package tools

import (
	_ "github.com/cloudwego/kitex/tool/cmd/kitex"
	_ "github.com/fullstorydev/grpcurl/cmd/grpcurl"
	_ "github.com/temporalio/cli/cmd/temporal"
	_ "go.temporal.io/sdk/contrib/tools/workflowcheck"
	_ "helm.sh/helm/v4/cmd/helm"
)
