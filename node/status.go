package node

import (
	"encoding/json"
	"net/http"

	"github.com/flotilla-db/flotilla/node/host"
)

// Status is what GET /admin/status reports.
type Status struct {
	NodeID  string         `json:"nodeId"`
	Ready   bool           `json:"ready"`
	Members []MemberStatus `json:"members"`
	Groups  []host.Status  `json:"groups"`
	// RaftLog is the shared Raft log store (--raft-log-store pebble).
	RaftLog *RaftLogStatus `json:"raftLog,omitempty"`
}

// MemberStatus is one cluster member as this node sees it.
type MemberStatus struct {
	ID       string `json:"id"`
	State    string `json:"state"`
	GRPCAddr string `json:"grpcAddr,omitempty"`
	HTTPAddr string `json:"httpAddr,omitempty"`
	Zone     string `json:"zone,omitempty"`
}

// Status describes the node: its members and the groups it hosts, the
// catalog first.
func (n *Node) Status() Status {
	s := Status{NodeID: n.meta.NodeID, Ready: n.serving.Load() && n.catalogOK.Load(), Members: []MemberStatus{},
		RaftLog: n.raftLog.status()}
	if n.members != nil {
		for _, m := range n.members.Members() {
			s.Members = append(s.Members, MemberStatus{ID: m.NodeID, State: m.State.String(),
				GRPCAddr: m.GRPCAddr, HTTPAddr: m.HTTPAddr, Zone: m.Zone})
		}
	}
	if n.cgroup != nil {
		if g, err := n.cgroup.group(); err == nil {
			s.Groups = append(s.Groups, host.GroupStatus(catalogGroupID, "", g))
		}
	}
	if n.host != nil {
		s.Groups = append(s.Groups, n.host.Status()...)
	}
	return s
}

func (n *Node) serveStatus(w http.ResponseWriter) {
	b, err := json.MarshalIndent(n.Status(), "", "  ")
	if err != nil {
		writeStatus(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append(b, '\n'))
}
