package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// meta is the metadata of a Kubernetes object.
type meta struct {
	Name   string            `yaml:"name"`
	Labels map[string]string `yaml:"labels"`
}

// header is what every Kubernetes document starts with.
type header struct {
	Kind     string `yaml:"kind"`
	Metadata meta   `yaml:"metadata"`
}

type servicePort struct {
	Name     string `yaml:"name"`
	Port     int    `yaml:"port"`
	Protocol string `yaml:"protocol"`
}

type service struct {
	Metadata meta `yaml:"metadata"`
	Spec     struct {
		ClusterIP                string            `yaml:"clusterIP"`
		PublishNotReadyAddresses bool              `yaml:"publishNotReadyAddresses"`
		Selector                 map[string]string `yaml:"selector"`
		Ports                    []servicePort     `yaml:"ports"`
	} `yaml:"spec"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

type envVar struct {
	Name      string `yaml:"name"`
	Value     string `yaml:"value"`
	ValueFrom *struct {
		FieldRef *struct {
			FieldPath string `yaml:"fieldPath"`
		} `yaml:"fieldRef"`
	} `yaml:"valueFrom"`
}

type container struct {
	Name  string   `yaml:"name"`
	Args  []string `yaml:"args"`
	Env   []envVar `yaml:"env"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	ReadinessProbe  *probe                               `yaml:"readinessProbe"`
	LivenessProbe   *probe                               `yaml:"livenessProbe"`
	Resources       struct{ Requests map[string]string } `yaml:"resources"`
	SecurityContext struct {
		ReadOnlyRootFilesystem bool `yaml:"readOnlyRootFilesystem"`
	} `yaml:"securityContext"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type volumeClaim struct {
	Metadata meta `yaml:"metadata"`
	Spec     struct {
		Resources struct {
			Requests map[string]string `yaml:"requests"`
		} `yaml:"resources"`
	} `yaml:"spec"`
}

type statefulSet struct {
	Metadata meta `yaml:"metadata"`
	Spec     struct {
		ServiceName         string `yaml:"serviceName"`
		Replicas            int    `yaml:"replicas"`
		PodManagementPolicy string `yaml:"podManagementPolicy"`
		Template            struct {
			Metadata meta `yaml:"metadata"`
			Spec     struct {
				SecurityContext struct {
					RunAsNonRoot bool `yaml:"runAsNonRoot"`
				} `yaml:"securityContext"`
				Affinity struct {
					PodAntiAffinity struct {
						Preferred []struct {
							PodAffinityTerm struct {
								TopologyKey string `yaml:"topologyKey"`
							} `yaml:"podAffinityTerm"`
						} `yaml:"preferredDuringSchedulingIgnoredDuringExecution"`
					} `yaml:"podAntiAffinity"`
				} `yaml:"affinity"`
				TopologySpreadConstraints []struct {
					TopologyKey string `yaml:"topologyKey"`
				} `yaml:"topologySpreadConstraints"`
				Containers []container `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
		VolumeClaimTemplates []volumeClaim `yaml:"volumeClaimTemplates"`
	} `yaml:"spec"`
}

type podDisruptionBudget struct {
	Spec struct {
		MaxUnavailable any `yaml:"maxUnavailable"`
	} `yaml:"spec"`
}

type composeFile struct {
	Services map[string]struct {
		Command  []string `yaml:"command"`
		Ports    []string `yaml:"ports"`
		Volumes  []string `yaml:"volumes"`
		Hostname string   `yaml:"hostname"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// manifests is every Kubernetes object in k8s/*.yaml, by kind and name.
type manifests struct {
	services     map[string]service
	statefulSets []statefulSet
	pdbs         []podDisruptionBudget
	files        []string // base names of the object files
	kustomized   []string // resources listed in kustomization.yaml
}

// decodeAll decodes every YAML document in path.
func decodeAll(t *testing.T, path string) []*yaml.Node {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		docs = append(docs, &doc)
	}
}

func decodeNode(t *testing.T, path string, n *yaml.Node, v any) {
	t.Helper()
	if err := n.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
}

func loadManifests(t *testing.T) manifests {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("k8s", "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no manifests in k8s/ (%v)", err)
	}
	m := manifests{services: map[string]service{}}
	for _, path := range paths {
		for _, doc := range decodeAll(t, path) {
			m.add(t, path, doc)
		}
	}
	return m
}

func (m *manifests) add(t *testing.T, path string, doc *yaml.Node) {
	t.Helper()
	var h header
	decodeNode(t, path, doc, &h)
	switch h.Kind {
	case "Kustomization":
		var k struct {
			Resources []string `yaml:"resources"`
		}
		decodeNode(t, path, doc, &k)
		m.kustomized = append(m.kustomized, k.Resources...)
		return
	case "Service":
		var s service
		decodeNode(t, path, doc, &s)
		m.services[s.Metadata.Name] = s
	case "StatefulSet":
		var s statefulSet
		decodeNode(t, path, doc, &s)
		m.statefulSets = append(m.statefulSets, s)
	case "PodDisruptionBudget":
		var p podDisruptionBudget
		decodeNode(t, path, doc, &p)
		m.pdbs = append(m.pdbs, p)
	default:
		t.Fatalf("%s: unexpected kind %q", path, h.Kind)
	}
	m.files = append(m.files, filepath.Base(path))
}

// theStatefulSet returns the one StatefulSet and its flotilla container.
func (m manifests) theStatefulSet(t *testing.T) (statefulSet, container) {
	t.Helper()
	if len(m.statefulSets) != 1 {
		t.Fatalf("want 1 StatefulSet, got %d", len(m.statefulSets))
	}
	s := m.statefulSets[0]
	for _, c := range s.Spec.Template.Spec.Containers {
		if c.Name == "flotilla" {
			return s, c
		}
	}
	t.Fatalf("StatefulSet %s has no container named flotilla", s.Metadata.Name)
	return s, container{}
}

var envRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// expandEnv replaces Kubernetes $(VAR) references with a placeholder value
// (lower-case letters, so host names stay valid); a reference to a variable
// the container does not define is an error, because Kubernetes would pass
// it through unexpanded.
func expandEnv(args []string, env []envVar) ([]string, error) {
	defined := map[string]bool{}
	for _, e := range env {
		defined[e.Name] = true
	}
	var missing []string
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = envRef.ReplaceAllStringFunc(a, func(ref string) string {
			name := envRef.FindStringSubmatch(ref)[1]
			if !defined[name] {
				missing = append(missing, name)
			}
			return "x" + strings.ToLower(strings.ReplaceAll(name, "_", "-"))
		})
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("undefined environment variables %v", missing)
	}
	return out, nil
}

// parseFlags splits `serve --a=b --c d` into flag names and values. Every
// serve flag takes a value.
func parseFlags(args []string) (map[string]string, error) {
	if len(args) == 0 || args[0] != "serve" {
		return nil, fmt.Errorf("command %q does not start with serve", args)
	}
	flags := map[string]string{}
	for i := 1; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			return nil, fmt.Errorf("unexpected argument %q", a)
		}
		name, value, ok := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !ok {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag %q has no value", a)
			}
			i++
			value = args[i]
		}
		if _, dup := flags[name]; dup {
			return nil, fmt.Errorf("flag --%s given twice", name)
		}
		flags[name] = value
	}
	return flags, nil
}
