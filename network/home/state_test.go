package home

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckStateWantsAMarkerWithAPort(t *testing.T) {
	write := func(content string) Dir {
		d := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(d, Marker), []byte(content), 0o644))
		return Dir(d)
	}
	assert.NoError(t, write("7000\n").CheckState())
	assert.NoError(t, write("27000").CheckState())
	for _, bad := range []string{"", "0", "70000", "7000\n\n", "seven", " 7000"} {
		var ns *NotStateError
		assert.True(t, errors.As(write(bad).CheckState(), &ns), "%q", bad)
	}
	assert.ErrorIs(t, Dir(filepath.Join(t.TempDir(), "none")).CheckState(), fs.ErrNotExist)

	empty := Dir(t.TempDir())
	assert.ErrorContains(t, empty.CheckState(), "has no port-base file")
	assert.NoError(t, empty.CheckUsable(), "up may make an empty folder a state folder")

	dirMarker := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dirMarker, Marker), 0o755))
	assert.ErrorContains(t, Dir(dirMarker).CheckState(), "not a regular file")

	linked := t.TempDir()
	require.NoError(t, os.Symlink(filepath.Join(string(write("7000")), Marker), filepath.Join(linked, Marker)))
	assert.ErrorContains(t, Dir(linked).CheckState(), "not a regular file", "a marker linked from elsewhere does not count")

	other := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(other, "a"), nil, 0o644))
	assert.ErrorContains(t, Dir(other).CheckUsable(), "holds other files")
}

func TestCheckRemovableNeverTheRootOrHome(t *testing.T) {
	userHome := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(userHome, Marker), []byte("7000\n"), 0o644))
	t.Setenv("HOME", userHome)
	assert.ErrorContains(t, Dir(userHome).CheckRemovable(), "home folder")
	assert.ErrorContains(t, Dir(filepath.Dir(userHome)).CheckRemovable(), "home folder")
	assert.ErrorContains(t, Dir("/").CheckRemovable(), "root of the file system")
	inside := filepath.Join(userHome, "state")
	require.NoError(t, os.Mkdir(inside, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(inside, Marker), []byte("7000\n"), 0o644))
	assert.NoError(t, Dir(inside).CheckRemovable(), "a state folder inside the home folder may go")
}
