package deploy

import (
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/test/harness"
)

// flagLine matches a flag in the flag package's usage output ("  -data-dir string").
var flagLine = regexp.MustCompile(`(?m)^\s+-{1,2}([a-z][a-z0-9-]*)\b`)

// serveFlags returns the flags `flotilla serve --help` lists.
func serveFlags(t *testing.T) map[string]bool {
	t.Helper()
	out, err := exec.Command(harness.Binary(t), "serve", "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("flotilla serve --help: %v\n%s", err, out)
	}
	flags := map[string]bool{}
	for _, m := range flagLine.FindAllStringSubmatch(string(out), -1) {
		flags[m[1]] = true
	}
	if !flags["data-dir"] || !flags["http-addr"] {
		t.Fatalf("could not read the flags from flotilla serve --help:\n%s", out)
	}
	return flags
}

// invocation is one `flotilla serve` command line from a manifest.
type invocation struct {
	name string
	args []string
}

func invocations(t *testing.T) []invocation {
	t.Helper()
	var out []invocation
	_, c := loadManifests(t).theStatefulSet(t)
	args, err := expandEnv(c.Args, c.Env)
	if err != nil {
		t.Fatalf("k8s/statefulset.yaml: %v", err)
	}
	out = append(out, invocation{"k8s/statefulset.yaml", args})
	compose := loadCompose(t)
	for _, name := range sortedKeys(compose.Services) {
		out = append(out, invocation{"docker-compose.yml/" + name, compose.Services[name].Command})
	}
	return out
}

func TestManifestFlagsAreServeFlags(t *testing.T) {
	accepted := serveFlags(t)
	for _, inv := range invocations(t) {
		t.Run(inv.name, func(t *testing.T) {
			flags, err := parseFlags(inv.args)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range sortedKeys(flags) {
				value := flags[name]
				if !accepted[name] {
					t.Errorf("--%s is not a flag of flotilla serve", name)
				}
				if err := checkValue(name, value); err != nil {
					t.Error(err)
				}
			}
			for _, required := range []string{"node-id", "data-dir", "http-addr", "grpc-addr", "gossip-addr", "join", "bootstrap-expect"} {
				if _, ok := flags[required]; !ok {
					t.Errorf("--%s is missing", required)
				}
			}
		})
	}
}

// checkValue checks the shape of address flags and --bootstrap-expect.
func checkValue(name, value string) error {
	var addrs []string
	switch {
	case name == "join":
		addrs = strings.Split(value, ",")
	case strings.HasSuffix(name, "-addr"):
		addrs = []string{value}
	case name == "bootstrap-expect" && value != "3":
		return fmt.Errorf("--bootstrap-expect=%s, want 3", value)
	}
	for _, a := range addrs {
		if host, port, err := net.SplitHostPort(a); err != nil || host == "" || port == "" {
			return fmt.Errorf("--%s: %q is not a host:port address", name, a)
		}
	}
	if name == "grpc-addr" && strings.HasPrefix(value, "0.0.0.0:") {
		return fmt.Errorf("--grpc-addr=%s: other nodes dial this address, it must name this node", value)
	}
	return nil
}

func TestStatefulSet(t *testing.T) {
	m := loadManifests(t)
	s, c := m.theStatefulSet(t)
	pod := s.Spec.Template.Spec
	flags, err := parseFlags(c.Args)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ok   bool
		got  any
	}{
		{"3 replicas", s.Spec.Replicas == 3, s.Spec.Replicas},
		{"parallel pod management", s.Spec.PodManagementPolicy == "Parallel", s.Spec.PodManagementPolicy},
		{"serviceName is a headless Service", m.services[s.Spec.ServiceName].Spec.ClusterIP == "None", s.Spec.ServiceName},
		{"readiness probe on /ready", c.ReadinessProbe != nil && c.ReadinessProbe.HTTPGet.Path == "/ready", c.ReadinessProbe},
		{"liveness probe on /health", c.LivenessProbe != nil && c.LivenessProbe.HTTPGet.Path == "/health", c.LivenessProbe},
		{"volume claim template of 10Gi", len(s.Spec.VolumeClaimTemplates) == 1 &&
			s.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests["storage"] == "10Gi", s.Spec.VolumeClaimTemplates},
		{"data dir is the claimed volume", mountedClaim(s, c, flags["data-dir"]), flags["data-dir"]},
		{"anti-affinity by host", len(pod.Affinity.PodAntiAffinity.Preferred) > 0 &&
			pod.Affinity.PodAntiAffinity.Preferred[0].PodAffinityTerm.TopologyKey == "kubernetes.io/hostname", pod.Affinity},
		{"spread over zones", len(pod.TopologySpreadConstraints) > 0 &&
			pod.TopologySpreadConstraints[0].TopologyKey == "topology.kubernetes.io/zone", pod.TopologySpreadConstraints},
		{"non-root", pod.SecurityContext.RunAsNonRoot, pod.SecurityContext},
		{"read-only root filesystem", c.SecurityContext.ReadOnlyRootFilesystem, c.SecurityContext},
		{"resource requests", c.Resources.Requests["cpu"] != "" && c.Resources.Requests["memory"] != "", c.Resources},
		{"node id from the pod name", fieldRef(c.Env, "FLOTILLA_NODE_ID") == "metadata.name" &&
			flags["node-id"] == "$(FLOTILLA_NODE_ID)", flags["node-id"]},
		{"grpc address is the pod's headless DNS name", strings.HasPrefix(flags["grpc-addr"], "$(POD_NAME)."+s.Spec.ServiceName+"."), flags["grpc-addr"]},
		{"joins every replica", joinsReplicas(flags["join"], s), flags["join"]},
		{"one PodDisruptionBudget with maxUnavailable 1", len(m.pdbs) == 1 && m.pdbs[0].Spec.MaxUnavailable == 1, m.pdbs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ok {
				t.Errorf("got %+v", tt.got)
			}
		})
	}
}

func mountedClaim(s statefulSet, c container, dir string) bool {
	for _, v := range c.VolumeMounts {
		if v.MountPath == dir {
			return slices.ContainsFunc(s.Spec.VolumeClaimTemplates, func(ct volumeClaim) bool {
				return ct.Metadata.Name == v.Name
			})
		}
	}
	return false
}

func fieldRef(env []envVar, name string) string {
	for _, e := range env {
		if e.Name == name && e.ValueFrom != nil && e.ValueFrom.FieldRef != nil {
			return e.ValueFrom.FieldRef.FieldPath
		}
	}
	return ""
}

// joinsReplicas reports whether --join names the gossip port of every pod
// of s by its stable DNS name.
func joinsReplicas(join string, s statefulSet) bool {
	addrs := strings.Split(join, ",")
	if len(addrs) != s.Spec.Replicas {
		return false
	}
	for i, a := range addrs {
		want := fmt.Sprintf("%s-%d.%s.", s.Metadata.Name, i, s.Spec.ServiceName)
		if !strings.HasPrefix(a, want) || !strings.HasSuffix(a, ":7946") {
			return false
		}
	}
	return true
}

func TestServices(t *testing.T) {
	m := loadManifests(t)
	s, _ := m.theStatefulSet(t)
	headless := m.services[s.Spec.ServiceName]
	client := m.services[s.Metadata.Name]
	tests := []struct {
		name string
		ok   bool
		got  any
	}{
		{"headless is clusterIP None", headless.Spec.ClusterIP == "None", headless.Spec.ClusterIP},
		{"headless publishes not-ready pods", headless.Spec.PublishNotReadyAddresses, headless.Spec},
		{"headless has http, grpc and gossip tcp+udp", slices.Equal(portList(headless.Spec.Ports),
			[]string{"7000/TCP", "7946/TCP", "7946/UDP", "8000/TCP"}), portList(headless.Spec.Ports)},
		{"client Service serves 8000", slices.Equal(portList(client.Spec.Ports), []string{"8000/TCP"}), portList(client.Spec.Ports)},
		{"selectors match the pods", matches(headless.Spec.Selector, s.Spec.Template.Metadata.Labels) &&
			matches(client.Spec.Selector, s.Spec.Template.Metadata.Labels), s.Spec.Template.Metadata.Labels},
		{"kustomization lists every manifest", slices.Equal(sorted(m.kustomized), sorted(m.files)), m.kustomized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ok {
				t.Errorf("got %+v", tt.got)
			}
		})
	}
}

func portList(ports []servicePort) []string {
	var out []string
	for _, p := range ports {
		proto := p.Protocol
		if proto == "" {
			proto = "TCP"
		}
		out = append(out, fmt.Sprintf("%d/%s", p.Port, proto))
	}
	return sorted(out)
}

func matches(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func TestCompose(t *testing.T) {
	c := loadCompose(t)
	names := sortedKeys(c.Services)
	if !slices.Equal(names, []string{"flotilla-1", "flotilla-2", "flotilla-3"}) {
		t.Fatalf("services %v, want flotilla-1..3", names)
	}
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			svc := c.Services[name]
			flags, err := parseFlags(svc.Command)
			if err != nil {
				t.Fatal(err)
			}
			if flags["node-id"] != name {
				t.Errorf("--node-id=%s, want %s", flags["node-id"], name)
			}
			if want := name + ":7000"; flags["grpc-addr"] != want {
				t.Errorf("--grpc-addr=%s, want %s", flags["grpc-addr"], want)
			}
			if want := "flotilla-1:7946,flotilla-2:7946,flotilla-3:7946"; flags["join"] != want {
				t.Errorf("--join=%s, want %s", flags["join"], want)
			}
			if want := fmt.Sprintf("127.0.0.1:%d:8000", 8000+i); !slices.Equal(svc.Ports, []string{want}) {
				t.Errorf("ports %v, want [%s]", svc.Ports, want)
			}
			vol := name + "-data"
			if _, ok := c.Volumes[vol]; !ok || !slices.Equal(svc.Volumes, []string{vol + ":" + flags["data-dir"]}) {
				t.Errorf("volumes %v, want the named volume %s on %s", svc.Volumes, vol, flags["data-dir"])
			}
		})
	}
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	docs := decodeAll(t, "docker-compose.yml")
	if len(docs) != 1 {
		t.Fatalf("docker-compose.yml: want 1 document, got %d", len(docs))
	}
	var c composeFile
	decodeNode(t, "docker-compose.yml", docs[0], &c)
	return c
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return sorted(keys)
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
