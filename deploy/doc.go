// Package deploy holds flotilla's deployment files and the tests that keep
// them in step with the binary.
//
// It owns the container image (Dockerfile), the 3-node Docker Compose file
// (docker-compose.yml) and the Kubernetes manifests (k8s/, applied with
// kustomize). It has no Go API: its tests parse every manifest, check that
// each `flotilla serve` flag they pass is one the binary built from this
// checkout accepts, and check the StatefulSet's invariants (replicas,
// probes, disruption budget, volumes, spreading). Nothing here runs
// goroutines or holds state, so there is nothing to make goroutine-safe.
package deploy
