package consortium

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Errors of parallel work come in the items' order, whatever order they
// failed in, and no more than limit run at once.
func TestParallelJoinsErrorsInTheItemsOrder(t *testing.T) {
	items := []int{0, 1, 2, 3, 4, 5}
	var running, most atomic.Int32
	err := parallel(items, 2, func(i int) error {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(time.Duration(len(items)-i) * 5 * time.Millisecond) // later items fail first
		if i%2 == 1 {
			return fmt.Errorf("item %d", i)
		}
		return nil
	})
	assert.EqualError(t, err, "item 1\nitem 3\nitem 5")
	assert.LessOrEqual(t, most.Load(), int32(2))
	assert.NoError(t, parallel(items, 3, func(int) error { return nil }))
	assert.True(t, errors.Is(parallel([]int{1}, 0, func(int) error { return errInjectedForTest }), errInjectedForTest), "a limit of 0 still runs")
}

var errInjectedForTest = errors.New("injected")
