// Package deploy holds the checks of tempomall's deployment files, run by
// `make deploy-check` (cd deploy && GOWORK=off go test ./...):
//
//   - chart_test.go renders the Helm chart (helm/tempomall) with the Helm v4
//     library, as `helm install --dry-run=client` does, for the default
//     values and each values file under helm/tempomall/ci, decodes every
//     object strictly into its Kubernetes API type, and checks what the
//     processes rely on (probes, resources, secret keys, Service ports,
//     autoscaler targets, hook order).
//   - compose_test.go checks docker-compose.yaml and deploy/compose: which
//     services may scale, healthchecks and dependencies, the Envoy
//     bootstrap (decoded into Envoy's own v3 messages and validated), the
//     Prometheus targets, and the Grafana dashboard's queries (parsed as
//     PromQL).
//
// This is its own Go module, outside go.work, so that Helm, the Kubernetes
// API types, Envoy's and Prometheus's modules never enter the product's
// build list.
package deploy
