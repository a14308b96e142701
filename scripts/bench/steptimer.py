"""What the PyTorch peers of `hdkd bench` share: the timed step loop and the closing lines hdkd prints."""
import resource
import statistics
import time


def time_training_steps(forward, optimizer, warmup, steps, batch, profile=None):
    """Runs forward() -> loss, backward, optimizer step; prints the medians of each phase and the closing lines.

    profile: a file for libtorch's operator profile of the timed steps (a Chrome trace, as `hdkd bench train
    --profile` writes; scripts/bench/profile_summary.py reads both).
    """
    fwd, bwd, upd, tot = [], [], [], []
    loss = None
    profiler = None
    for i in range(-warmup, steps):
        if i == 0:
            profiler = start_profile(profile)
        t0 = time.perf_counter()
        loss = forward()
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        optimizer.step()
        optimizer.zero_grad(set_to_none=False)
        t3 = time.perf_counter()
        if i >= 0:
            fwd.append((t1 - t0) * 1e3)
            bwd.append((t2 - t1) * 1e3)
            upd.append((t3 - t2) * 1e3)
            tot.append((t3 - t0) * 1e3)
    stop_profile(profiler, profile)
    print(f"last_loss {loss.item():.6f}")
    print(f"median_forward_ms {statistics.median(fwd):.2f}")
    print(f"median_backward_ms {statistics.median(bwd):.2f}")
    print(f"median_update_ms {statistics.median(upd):.2f}")
    report(statistics.median(tot), batch)


def start_profile(profile):
    """Starts libtorch's operator profiler when a file is given; returns it (None when not) for stop_profile."""
    if not profile:
        return None
    import torch.autograd.profiler
    profiler = torch.autograd.profiler.profile()
    profiler.__enter__()
    return profiler


def stop_profile(profiler, profile):
    """Stops the profiler from start_profile, if any, and writes its Chrome trace to the file."""
    if profiler is not None:
        profiler.__exit__(None, None, None)
        profiler.export_chrome_trace(profile)
        print(f"profile {profile}")


def report(median_ms, batch):
    """The three closing lines of every hdkd benchmark."""
    print(f"median_step_ms {median_ms:.2f}")
    print(f"images_per_s {batch / (median_ms / 1000):.3f}")
    print(f"peak_rss_mb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
