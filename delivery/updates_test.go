package delivery

import (
	"context"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/faketelegram"
)

// The low-water mark: updates finish out of order; the mark moves only
// past updates that are all finished, and nothing at or above it is lost.
func TestWindowLowWaterMark(t *testing.T) {
	var w window
	w.reset(10, nil)
	now := time.Now()
	for id := 10; id <= 13; id++ {
		if taken, full := w.take(id, now.Add(time.Duration(id)*time.Second)); !taken || full {
			t.Fatalf("take(%d) = %v, %v; want taken", id, taken, full)
		}
	}
	steps := []struct {
		finish  int
		moved   bool
		low     int
		held    int
		running int
	}{
		{12, false, 10, 4, 3}, // out of order: 10 and 11 still run
		{11, false, 10, 4, 2},
		{10, true, 13, 1, 1},  // 10..12 done: the mark jumps to 13
		{10, false, 13, 1, 1}, // finished twice: no effect
		{13, true, 14, 0, 0},
	}
	for _, s := range steps {
		if moved := w.finish(s.finish); moved != s.moved || w.lowMark() != s.low || w.size() != s.held {
			t.Errorf("finish(%d): moved %v, low %d, held %d; want %v, %d, %d", s.finish, moved, w.lowMark(), w.size(), s.moved, s.low, s.held)
		}
		if n, _ := w.oldest(); n != s.running {
			t.Errorf("finish(%d): %d running, want %d", s.finish, n, s.running)
		}
	}
	// Telegram sends held and handled updates again: they are not taken twice.
	w.take(14, now)
	for _, id := range []int{12, 13, 14} {
		if taken, _ := w.take(id, now); taken {
			t.Errorf("take(%d) again: taken, want not (handled or held)", id)
		}
	}
	if n, oldest := w.oldest(); n != 1 || !oldest.Equal(now) {
		t.Errorf("oldest = %d, %v; want 1 since %v", n, oldest, now)
	}
	// Backpressure: no more than maxHeld are held, finished ones above the mark included.
	for id := 15; id < 14+maxHeld; id++ {
		w.take(id, now)
		w.finish(id)
	}
	if taken, full := w.take(14+maxHeld, now); taken || !full {
		t.Errorf("take beyond %d held = %v, %v; want full", maxHeld, taken, full)
	}
	if !w.finish(14) || w.lowMark() != 14+maxHeld || w.size() != 0 {
		t.Errorf("after the oldest finished: low %d, held %d; want %d, 0", w.lowMark(), w.size(), 14+maxHeld)
	}
}

// After a restart, the updates handled above the saved offset are not
// taken again, and the mark moves past them once the others are done.
func TestWindowAfterARestart(t *testing.T) {
	var w window
	w.reset(20, []int{7, 22, 23}) // 7: below the offset, meaningless
	if got := w.handled(); !slices.Equal(got, []int{22, 23}) {
		t.Errorf("handled = %v, want [22 23]", got)
	}
	now := time.Now()
	var taken []int
	for id := 20; id <= 24; id++ { // Telegram sends everything from the offset again
		if ok, _ := w.take(id, now); ok {
			taken = append(taken, id)
		}
	}
	if !slices.Equal(taken, []int{20, 21, 24}) {
		t.Errorf("taken after the restart: %v, want [20 21 24]", taken)
	}
	if w.settle() {
		t.Errorf("settle with updates running: moved, want not")
	}
	w.finish(21)
	w.finish(24)
	if got := w.handled(); !slices.Equal(got, []int{21, 22, 23, 24}) || w.lowMark() != 20 {
		t.Errorf("handled %v, low %d; want [21 22 23 24], 20", got, w.lowMark())
	}
	if !w.finish(20) || w.lowMark() != 25 || len(w.handled()) != 0 {
		t.Errorf("after 20: low %d, handled %v; want 25, none", w.lowMark(), w.handled())
	}

	// Telegram no longer has what was being handled: the first poll settles.
	w.reset(30, []int{31, 32})
	if !w.settle() || w.lowMark() != 33 || w.size() != 0 {
		t.Errorf("settle with nothing running: low %d, held %d; want 33, 0", w.lowMark(), w.size())
	}
}

// memOffsets is an offset store in memory; frozen, it keeps no more writes
// (a crash: what is written after it is lost).
type memOffsets struct {
	mu      sync.Mutex
	offset  int
	handled []int
	frozen  bool
}

func (m *memOffsets) HandledUpdates(context.Context) ([]int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.handled), nil
}

func (m *memOffsets) SetHandledUpdates(_ context.Context, ids []int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.frozen {
		m.handled = slices.Clone(ids)
	}
	return nil
}

func (m *memOffsets) UpdateOffset(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.offset, nil
}

func (m *memOffsets) SetUpdateOffset(_ context.Context, offset int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.frozen {
		m.offset = offset
	}
	return nil
}

func (m *memOffsets) get() int { o, _ := m.UpdateOffset(context.Background()); return o }

// freeze stops keeping writes and returns a store that starts from what
// was kept: the next start after a crash.
func (m *memOffsets) freeze() *memOffsets {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.frozen = true
	return &memOffsets{offset: m.offset, handled: slices.Clone(m.handled)}
}

// recorder is a Handler that records the updates it handles, per chat, and
// holds those whose text is "hold" until released.
type recorder struct {
	mu      sync.Mutex
	handled map[int64][]string // chat -> texts, in the order handled
	ids     []int
	busy    int // handling now
	maxBusy int
	release chan struct{}
	changed chan struct{} // receives after each update handled
}

func newRecorder() *recorder {
	return &recorder{handled: map[int64][]string{}, release: make(chan struct{}), changed: make(chan struct{}, 1000)}
}

func (r *recorder) Handle(ctx context.Context, u Update) {
	r.mu.Lock()
	r.busy++
	r.maxBusy = max(r.maxBusy, r.busy)
	r.mu.Unlock()
	if u.Message.Text == "hold" {
		<-r.release
	} else {
		time.Sleep(time.Millisecond) // a little work, so that chats overlap
	}
	r.mu.Lock()
	r.busy--
	r.handled[u.Message.Chat.ID] = append(r.handled[u.Message.Chat.ID], u.Message.Text)
	r.ids = append(r.ids, u.ID)
	r.mu.Unlock()
	r.changed <- struct{}{}
}

// texts returns what a chat's updates said, in the order handled.
func (r *recorder) texts(chat int64) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.handled[chat])
}

func (r *recorder) handledIDs() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.ids)
}

// waitHandled waits until n updates are handled.
func (r *recorder) waitHandled(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for len(r.handledIDs()) < n {
		select {
		case <-r.changed:
		case <-deadline:
			t.Fatalf("handled %d updates, want %d", len(r.handledIDs()), n)
		}
	}
}

// startLoop runs an update loop of e with the offsets and the handler.
// stop cancels it and returns a wait for its end (so that a test can act
// between the two).
func startLoop(t *testing.T, e *Engine, offsets offsetStore, h Handler) (stop func() (wait func())) {
	t.Helper()
	l := newUpdateLoop(e.sender, offsets, slog.New(slog.DiscardHandler), e.metrics, time.Second, time.Now)
	l.repoll = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.run(ctx, h) }()
	var once sync.Once
	wait := func() {
		once.Do(func() {
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("run = %v, want nil after a stop", err)
				}
			case <-time.After(15 * time.Second):
				t.Error("the update loop did not stop")
			}
		})
	}
	stop = func() func() { cancel(); return wait }
	t.Cleanup(func() { stop()() })
	return stop
}

// Updates of one chat are handled in the order sent, one at a time;
// different chats at the same time.
func TestUpdatesOfAChatInOrder(t *testing.T) {
	e, tg, _ := newTestEngine(t)
	rec := newRecorder()
	offsets := &memOffsets{}
	stop := startLoop(t, e, offsets, rec)
	users := make([]faketelegram.User, 6)
	for i := range users {
		users[i] = faketelegram.User{ID: int64(100 + i), FirstName: "U"}
	}
	const each = 25
	last := 0
	for n := 0; n < each; n++ {
		for _, u := range users {
			last = tg.SendMessage(faketelegram.PrivateChat(u), u, string(rune('a'+n)))
		}
	}
	rec.waitHandled(t, each*len(users))
	stop()()
	for _, u := range users {
		got := rec.texts(u.ID)
		want := make([]string, each)
		for n := range want {
			want[n] = string(rune('a' + n))
		}
		if !slices.Equal(got, want) {
			t.Errorf("chat %d handled %q, want %q", u.ID, got, want)
		}
	}
	if rec.maxBusy < 2 {
		t.Errorf("at most %d updates handled at once, want several chats at a time", rec.maxBusy)
	}
	if got := offsets.get(); got != last+1 {
		t.Errorf("saved offset = %d, want %d (every update handled)", got, last+1)
	}
}

// A slow update holds up its own chat only; the saved offset stays at it
// (the low-water mark) and the updates handled above it are saved too, so
// a crash meanwhile hands out again only the updates in flight (the slow
// one and the one waiting behind it) and never skips one.
func TestSlowUpdateHoldsOnlyItsChatAndTheMark(t *testing.T) {
	e, tg, _ := newTestEngine(t)
	a := faketelegram.User{ID: 201, FirstName: "Admin"}
	b := faketelegram.User{ID: 202, FirstName: "Resident"}
	rec := newRecorder()
	offsets := &memOffsets{}
	stop := startLoop(t, e, offsets, rec)

	first := tg.SendMessage(faketelegram.PrivateChat(a), a, "before")
	rec.waitHandled(t, 1)
	slow := tg.SendMessage(faketelegram.PrivateChat(a), a, "hold")
	queued := tg.SendMessage(faketelegram.PrivateChat(a), a, "after")
	var others []int
	for _, text := range []string{"b1", "b2", "b3"} {
		others = append(others, tg.SendMessage(faketelegram.PrivateChat(b), b, text))
	}
	rec.waitHandled(t, 1+len(others)) // b's updates go past the slow one
	if got := rec.texts(b.ID); !slices.Equal(got, []string{"b1", "b2", "b3"}) {
		t.Fatalf("the other chat handled %q while one update was slow, want b1 b2 b3", got)
	}
	// The loop records an update as finished once its handler has returned.
	deadline := time.Now().Add(10 * time.Second)
	for ids, _ := offsets.HandledUpdates(context.Background()); !slices.Equal(ids, others); ids, _ = offsets.HandledUpdates(context.Background()) {
		if time.Now().After(deadline) {
			t.Fatalf("saved as handled above the mark: %v, want %v", ids, others)
		}
		runtime.Gosched()
	}
	if got := offsets.get(); got != slow {
		t.Errorf("saved offset while update %d runs = %d, want %d (the low-water mark)", slow, got, slow)
	}
	if got := tg.Confirmed(); got > slow {
		t.Errorf("confirmed to Telegram up to %d, want at most %d: the slow update would be lost in a crash", got, slow)
	}

	// A crash: nothing written from now on is kept, nothing more is asked
	// of Telegram. The slow update finishes after it; "after" is left.
	kept := offsets.freeze()
	wait := stop()
	close(rec.release)
	wait()
	before := rec.handledIDs()

	rec2 := newRecorder()
	close(rec2.release)
	stop2 := startLoop(t, e, kept, rec2)
	want := []int{slow, queued}
	rec2.waitHandled(t, len(want))
	c := faketelegram.User{ID: 203, FirstName: "Next"} // one more, to see that nothing else comes first
	next := tg.SendMessage(faketelegram.PrivateChat(c), c, "next")
	rec2.waitHandled(t, len(want)+1)
	stop2()()
	again := rec2.handledIDs()
	slices.Sort(again)
	if want = append(want, next); !slices.Equal(again, want) {
		t.Errorf("after the crash, handled %v; want the updates in flight and the new one, %v", again, want)
	}
	if got := kept.get(); got != next+1 {
		t.Errorf("saved offset after the restart = %d, want %d", got, next+1)
	}
	all := append(before, again...)
	for id := first; id <= others[len(others)-1]; id++ {
		if !slices.Contains(all, id) {
			t.Errorf("update %d never handled", id)
		}
	}
	if got := rec2.texts(a.ID); !slices.Equal(got, []string{"hold", "after"}) {
		t.Errorf("the slow chat after the restart handled %q, want hold, after: in order", got)
	}
}

// Every kind of update goes to its chat's worker, or to its person's
// when it has no chat, so that one chat's updates keep their order.
func TestShardOf(t *testing.T) {
	group := Chat{ID: -100123, Type: "supergroup"}
	anna := User{ID: 42}
	private := Chat{ID: anna.ID, Type: "private"}
	for _, tc := range []struct {
		name string
		u    Update
		key  int64
	}{
		{"a message in a group", Update{Message: &Incoming{Chat: group, From: &anna}}, group.ID},
		{"a message in a private chat", Update{Message: &Incoming{Chat: private, From: &anna}}, anna.ID},
		{"a press under a message in a group", Update{Press: &Press{From: anna, Chat: &group}}, group.ID},
		{"a press under a message sent through inline mode", Update{Press: &Press{From: anna}}, anna.ID},
		{"the bot's membership of a group", Update{Member: &MemberUpdate{Chat: group, From: anna}}, group.ID},
		{"an inline query", Update{Inline: &InlineQuery{From: anna}}, anna.ID},
	} {
		want := shardOf(Update{Message: &Incoming{Chat: Chat{ID: tc.key}}})
		if got := shardOf(tc.u); got != want {
			t.Errorf("%s: worker %d, want %d (that of %d)", tc.name, got, want, tc.key)
		}
	}
	if shardOf(Update{Message: &Incoming{Chat: group}}) == shardOf(Update{Message: &Incoming{Chat: Chat{ID: group.ID + 1}}}) {
		t.Errorf("neighbouring chats share a worker")
	}
}

// handlerFunc is a Handler made of a function.
type handlerFunc func(ctx context.Context, u Update)

func (f handlerFunc) Handle(ctx context.Context, u Update) { f(ctx, u) }

// A handler may take as long as a reply may wait behind a global 429, and
// a stop does not cut it at once: it gets handlerTimeout to finish.
func TestHandlingOutlastsALong429AndAStop(t *testing.T) {
	l := &updateLoop{log: slog.New(slog.DiscardHandler), metrics: newMetrics(nil, nil)}
	ctx, stop := context.WithCancel(context.Background())
	seen := make(chan context.Context, 1)
	release := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.handle(ctx, handlerFunc(func(hctx context.Context, _ Update) {
			seen <- hctx
			<-release
		}), Update{ID: 1})
	}()
	hctx := <-seen
	deadline, ok := hctx.Deadline()
	if left := time.Until(deadline); !ok || left < MaxHandling-time.Second || MaxHandling < 2*time.Minute {
		t.Errorf("handling deadline in %v (set: %t), want MaxHandling (%v), beyond a two-minute wait for a reply", left, ok, MaxHandling)
	}
	stop()
	select {
	case <-hctx.Done():
		t.Error("a stop cut the handling at once; want handlerTimeout to finish")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	<-done
}
