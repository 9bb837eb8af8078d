package chaos

import (
	"testing"
	"time"
)

func TestWorstCallsOfAWindow(t *testing.T) {
	at := func(s float64) time.Time { return time.Unix(100, 0).Add(time.Duration(s * float64(time.Second))) }
	outs := []Outcome{
		{Start: at(0), End: at(1.5)},  // before the fault
		{Start: at(2), End: at(2.4)},  // before, short
		{Start: at(2.5), End: at(5)},  // in flight when the fault began
		{Start: at(6), End: at(6.5)},  // during
		{Start: at(9), End: at(12.5)}, // after the window
	}
	if got := Worst(outs, at(3), at(8)); got != 2500*time.Millisecond {
		t.Errorf("Worst = %v, want 2.5s (the call in flight at the fault)", got)
	}
	if got := WorstBefore(outs, at(3)); got != 1500*time.Millisecond {
		t.Errorf("WorstBefore = %v, want 1.5s", got)
	}
	if got := Worst(nil, at(0), at(1)); got != 0 {
		t.Errorf("Worst of nothing = %v", got)
	}
}
