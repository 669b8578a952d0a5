package main

import (
	"testing"
	"time"
)

func TestDeadline(t *testing.T) {
	loc := time.FixedZone("here", 3600)
	now := time.Date(2026, 12, 3, 22, 30, 0, 0, loc)
	tests := []struct {
		flags adaptiveFlags
		want  time.Time
		err   bool
	}{
		{adaptiveFlags{Adaptive: true}, time.Time{}, false},
		{adaptiveFlags{Adaptive: true, Deadline: "07:00"}, time.Date(2026, 12, 4, 7, 0, 0, 0, loc), false},
		{adaptiveFlags{Adaptive: true, Deadline: "23:15"}, time.Date(2026, 12, 3, 23, 15, 0, 0, loc), false},
		{adaptiveFlags{Adaptive: true, Deadline: "22:30"}, time.Date(2026, 12, 4, 22, 30, 0, 0, loc), false},
		{adaptiveFlags{Adaptive: true, Deadline: "2026-12-04 07:00"}, time.Date(2026, 12, 4, 7, 0, 0, 0, loc), false},
		{adaptiveFlags{Adaptive: true, Deadline: "2026-12-04T06:00:00Z"}, time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC), false},
		{adaptiveFlags{Adaptive: true, Budget: 3 * time.Hour}, now.Add(3 * time.Hour), false},
		{adaptiveFlags{Adaptive: true, Deadline: "2026-12-01 07:00"}, time.Time{}, true}, // passed
		{adaptiveFlags{Adaptive: true, Deadline: "tomorrow"}, time.Time{}, true},
		{adaptiveFlags{Adaptive: true, Deadline: "07:00", Budget: time.Hour}, time.Time{}, true},
		{adaptiveFlags{Deadline: "07:00"}, time.Time{}, true}, // needs --adaptive
		{adaptiveFlags{Adaptive: true, Budget: -time.Hour}, time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := tt.flags.deadline(now)
		if (err != nil) != tt.err {
			t.Errorf("%+v: error %v, want error %v", tt.flags, err, tt.err)
			continue
		}
		if err != nil {
			if exitCode(err) != exitUsage {
				t.Errorf("%+v: exit status %d, want %d", tt.flags, exitCode(err), exitUsage)
			}
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("%+v: deadline %v, want %v", tt.flags, got, tt.want)
		}
	}
}
