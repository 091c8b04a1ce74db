/**
 * The browser half of the office: owns the canvas, the camera, pointer/wheel/keyboard input and
 * the animation loop. The loop runs only while something moves (a working agent's ring and
 * bob, a bubble fading); otherwise it sleeps until the store changes or the next bubble is
 * due to fade, so an idle office costs nothing. Created after mount; never runs on the server.
 */
import { createFrameMeter, type FrameMeter } from './frame-meter';
import {
  type Camera,
  clampCamera,
  fitCamera,
  hitTestSeat,
  layoutOffice,
  type OfficeLayout,
  panIntoView,
  screenToWorld,
  zoomAt,
} from './geometry';
import { readPalette } from './palette';
import { OfficeRenderer, type RenderUi } from './renderer';
import type { OfficeState } from './state';

export interface OfficeViewOptions {
  onSelect(agentId: string): void;
  debug?: boolean;
}

const PAN_STEP = 48;
const ZOOM_STEP = 1.25;
/** Pointer travel (CSS px) after which a press is a drag, not a click. */
const DRAG_SLOP = 5;

export class OfficeView {
  private readonly renderer: OfficeRenderer;
  private layout: OfficeLayout | null = null;
  private layoutRoster = -1;
  private camera: Camera = { scale: 1, x: 0, y: 0 };
  /** Whether the person moved the camera; until then resizing refits the room. */
  private userMoved = false;
  private width = 0;
  private height = 0;
  private dpr = 1;
  private onScreen = true;
  private reducedMotion = false;
  private raf = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private hoverId: string | null = null;
  private focusId: string | null = null;
  private selectedId: string | null = null;
  private readonly pointers = new Map<number, { x: number; y: number }>();
  private press: { x: number; y: number; dragged: boolean } | null = null;
  private pinchDistance = 0;
  private readonly meter: FrameMeter | null;
  private debugText: string | null = null;
  /** Reused every frame, like everything else the loop touches. */
  private readonly ui: RenderUi = {
    hoverId: null,
    focusId: null,
    selectedId: null,
    reducedMotion: false,
    debugText: null,
  };
  private readonly cleanups: Array<() => void> = [];

  constructor(
    stage: HTMLElement,
    private readonly canvas: HTMLCanvasElement,
    private readonly state: OfficeState,
    private readonly options: OfficeViewOptions,
  ) {
    this.renderer = new OfficeRenderer(canvas, readPalette(stage));
    this.meter = options.debug ? createFrameMeter() : null;
    if (this.meter) Object.assign(window, { __officeFrameMeter: this.meter, __officeState: state });

    this.cleanups.push(state.subscribe(() => this.requestFrame()));

    const motion = matchMedia('(prefers-reduced-motion: reduce)');
    this.reducedMotion = motion.matches;
    this.listen(motion, 'change', () => {
      this.reducedMotion = motion.matches;
      this.requestFrame();
    });
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    this.listen(scheme, 'change', () => {
      this.renderer.setPalette(readPalette(stage));
      this.requestFrame();
    });

    const resize = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]!.contentRect;
      this.resize(box.width, box.height);
    });
    resize.observe(stage);
    this.cleanups.push(() => resize.disconnect());
    this.watchPixelRatio();

    const visibility = new IntersectionObserver((entries) => {
      this.onScreen = entries[entries.length - 1]!.isIntersecting;
      if (this.onScreen) this.requestFrame();
    });
    visibility.observe(stage);
    this.cleanups.push(() => visibility.disconnect());

    this.listen(canvas, 'pointerdown', this.onPointerDown as EventListener);
    this.listen(canvas, 'pointermove', this.onPointerMove as EventListener);
    this.listen(canvas, 'pointerup', this.onPointerUp as EventListener);
    this.listen(canvas, 'pointercancel', this.onPointerUp as EventListener);
    this.listen(canvas, 'pointerleave', () => this.setHover(null));
    // Not passive: the wheel zooms the office instead of scrolling the page.
    this.listen(canvas, 'wheel', this.onWheel as EventListener, { passive: false });

    const rect = stage.getBoundingClientRect();
    this.resize(rect.width, rect.height);
  }

  destroy() {
    cancelAnimationFrame(this.raf);
    clearTimeout(this.timer);
    for (const cleanup of this.cleanups) cleanup();
    if (this.meter) Object.assign(window, { __officeFrameMeter: undefined, __officeState: undefined });
  }

  setSelected(agentId: string | null) {
    if (agentId === this.selectedId) return;
    this.selectedId = agentId;
    this.requestFrame();
  }

  /** Keyboard focus in the agent list: outline the agent, show its tooltip, bring it into view. */
  setFocused(agentId: string | null) {
    if (agentId === this.focusId) return;
    this.focusId = agentId;
    const seat = agentId ? this.currentLayout()?.byId.get(agentId) : undefined;
    if (seat && this.width > 0) this.setCamera(panIntoView(this.camera, seat.hit, this.width, this.height), false);
    this.requestFrame();
  }

  zoomBy(factor: number) {
    this.setCamera(zoomAt(this.camera, factor, this.width / 2, this.height / 2), true);
  }

  panBy(dx: number, dy: number) {
    this.setCamera({ scale: this.camera.scale, x: this.camera.x + dx, y: this.camera.y + dy }, true);
  }

  resetView() {
    this.userMoved = false;
    const layout = this.currentLayout();
    if (layout && this.width > 0) this.setCamera(fitCamera(layout.bounds, this.width, this.height), false);
  }

  /** Arrow keys pan, + and − zoom, 0 resets. Returns whether the key was used. */
  handleKey(key: string): boolean {
    switch (key) {
      case 'ArrowLeft':
        this.panBy(PAN_STEP, 0);
        return true;
      case 'ArrowRight':
        this.panBy(-PAN_STEP, 0);
        return true;
      case 'ArrowUp':
        this.panBy(0, PAN_STEP);
        return true;
      case 'ArrowDown':
        this.panBy(0, -PAN_STEP);
        return true;
      case '+':
      case '=':
        this.zoomBy(ZOOM_STEP);
        return true;
      case '-':
      case '_':
        this.zoomBy(1 / ZOOM_STEP);
        return true;
      case '0':
        this.resetView();
        return true;
      default:
        return false;
    }
  }

  // ─── Internals ─────────────────────────────────────────────────────────────────────────

  private listen(target: EventTarget, type: string, handler: EventListener, options?: AddEventListenerOptions) {
    target.addEventListener(type, handler, options);
    this.cleanups.push(() => target.removeEventListener(type, handler, options));
  }

  /** devicePixelRatio changes when the window moves to another screen or the page is zoomed. */
  private watchPixelRatio() {
    const query = matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    const onChange = () => {
      query.removeEventListener('change', onChange);
      this.resize(this.width, this.height);
      this.watchPixelRatio();
    };
    query.addEventListener('change', onChange);
    this.cleanups.push(() => query.removeEventListener('change', onChange));
  }

  private currentLayout(): OfficeLayout | null {
    if (this.layoutRoster !== this.state.rosterVersion) {
      this.layoutRoster = this.state.rosterVersion;
      const firstLayout = this.layout === null;
      this.layout = layoutOffice(this.state.agents);
      this.renderer.setLayout(this.layout);
      if ((firstLayout || !this.userMoved) && this.width > 0)
        this.camera = fitCamera(this.layout.bounds, this.width, this.height);
      this.renderer.setCamera(this.camera);
    }
    return this.layout;
  }

  private resize(width: number, height: number) {
    const dpr = Math.min(3, window.devicePixelRatio || 1);
    if (width === this.width && height === this.height && dpr === this.dpr) return;
    const previous = { width: this.width, height: this.height };
    this.width = width;
    this.height = height;
    this.dpr = dpr;
    // Hidden (the list view is showing): nothing to draw until it has a size again.
    if (width === 0 || height === 0) return;
    this.renderer.setSize(width, height, dpr);
    const layout = this.currentLayout();
    if (!layout) return;
    if (!this.userMoved) {
      this.camera = fitCamera(layout.bounds, width, height);
    } else if (previous.width === 0) {
      // Shown again after the list view: keep the person's pan and zoom.
      this.camera = clampCamera(this.camera, layout.bounds, width, height);
    } else {
      // Keep what was in the middle in the middle.
      this.camera = clampCamera(
        {
          scale: this.camera.scale,
          x: this.camera.x + (width - previous.width) / 2,
          y: this.camera.y + (height - previous.height) / 2,
        },
        layout.bounds,
        width,
        height,
      );
    }
    this.renderer.setCamera(this.camera);
    this.drawNow();
  }

  private setCamera(camera: Camera, byUser: boolean) {
    const layout = this.currentLayout();
    if (!layout) return;
    this.camera = clampCamera(camera, layout.bounds, this.width, this.height);
    if (byUser) this.userMoved = true;
    this.renderer.setCamera(this.camera);
    this.requestFrame();
  }

  private requestFrame() {
    if (this.raf !== 0 || this.width === 0 || !this.onScreen) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.raf = requestAnimationFrame(this.tick);
  }

  private readonly tick = (frameAt: number) => {
    this.raf = 0;
    const now = performance.now();
    const fading = this.state.frame(now, this.reducedMotion);
    this.draw(now, frameAt);
    const moving = fading || (!this.reducedMotion && this.state.hasWorking());
    if (moving) {
      this.requestFrame();
    } else {
      // Asleep until an event arrives or the next bubble starts to fade.
      const next = this.state.nextChangeAt(now, this.reducedMotion);
      if (Number.isFinite(next))
        this.timer = setTimeout(() => this.requestFrame(), Math.max(0, next - performance.now()) + 4);
    }
  };

  /** Draws synchronously (after a resize, so the canvas is never shown blank). */
  private drawNow() {
    const now = performance.now();
    this.state.frame(now, this.reducedMotion);
    this.draw(now, now);
    this.requestFrame();
  }

  private draw(now: number, frameAt: number) {
    if (!this.currentLayout() || this.width === 0) return;
    const started = this.meter ? performance.now() : 0;
    const ui = this.ui;
    ui.hoverId = this.hoverId;
    ui.focusId = this.focusId;
    ui.selectedId = this.selectedId;
    ui.reducedMotion = this.reducedMotion;
    ui.debugText = this.debugText;
    this.renderer.draw(now, this.state.agents, ui);
    if (this.meter) {
      this.meter.record(performance.now() - started, frameAt);
      const frames = this.meter.stats().frames;
      if (frames % 30 === 0) {
        const stats = this.meter.stats();
        this.debugText = `draw ${stats.drawMean.toFixed(2)} ms · p95 ${stats.drawP95.toFixed(2)} ms · frame p95 ${stats.intervalP95.toFixed(1)} ms`;
      }
    }
  }

  private setHover(agentId: string | null) {
    if (agentId === this.hoverId) return;
    this.hoverId = agentId;
    this.canvas.style.cursor = agentId ? 'pointer' : 'grab';
    this.requestFrame();
  }

  private point(event: PointerEvent | WheelEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  private agentAt(x: number, y: number): string | null {
    const layout = this.currentLayout();
    if (!layout) return null;
    const [wx, wy] = screenToWorld(this.camera, x, y);
    return hitTestSeat(layout, wx, wy);
  }

  private readonly onPointerDown = (event: PointerEvent) => {
    if (event.button !== 0 && event.pointerType === 'mouse') return;
    const at = this.point(event);
    this.canvas.setPointerCapture(event.pointerId);
    this.pointers.set(event.pointerId, at);
    if (this.pointers.size === 1) {
      this.press = { x: at.x, y: at.y, dragged: false };
    } else if (this.pointers.size === 2) {
      const [a, b] = [...this.pointers.values()];
      this.pinchDistance = Math.hypot(a!.x - b!.x, a!.y - b!.y);
      if (this.press) this.press.dragged = true;
    }
  };

  private readonly onPointerMove = (event: PointerEvent) => {
    const at = this.point(event);
    const previous = this.pointers.get(event.pointerId);
    if (!previous) {
      if (event.pointerType === 'mouse') this.setHover(this.agentAt(at.x, at.y));
      return;
    }
    if (this.pointers.size >= 2) {
      // Pinch: zoom about the midpoint by the change in finger distance, and follow the midpoint.
      const others = [...this.pointers.entries()].filter(([id]) => id !== event.pointerId);
      const other = others[0]![1];
      const distance = Math.hypot(at.x - other.x, at.y - other.y);
      const mid = { x: (at.x + other.x) / 2, y: (at.y + other.y) / 2 };
      const before = { x: (previous.x + other.x) / 2, y: (previous.y + other.y) / 2 };
      const zoomed = zoomAt(this.camera, this.pinchDistance > 0 ? distance / this.pinchDistance : 1, mid.x, mid.y);
      this.pinchDistance = distance;
      this.pointers.set(event.pointerId, at);
      this.setCamera({ scale: zoomed.scale, x: zoomed.x + mid.x - before.x, y: zoomed.y + mid.y - before.y }, true);
      return;
    }
    this.pointers.set(event.pointerId, at);
    const press = this.press;
    if (!press) return;
    if (!press.dragged && Math.hypot(at.x - press.x, at.y - press.y) > DRAG_SLOP) {
      press.dragged = true;
      this.canvas.style.cursor = 'grabbing';
      this.setHover(null);
    }
    if (press.dragged) this.panBy(at.x - previous.x, at.y - previous.y);
  };

  private readonly onPointerUp = (event: PointerEvent) => {
    if (!this.pointers.delete(event.pointerId)) return;
    if (this.canvas.hasPointerCapture(event.pointerId)) this.canvas.releasePointerCapture(event.pointerId);
    const press = this.press;
    if (this.pointers.size > 0) return;
    this.press = null;
    this.pinchDistance = 0;
    const at = this.point(event);
    if (press && !press.dragged && event.type === 'pointerup') {
      const agentId = this.agentAt(at.x, at.y);
      if (agentId) this.options.onSelect(agentId);
    }
    if (event.pointerType === 'mouse') this.setHover(this.agentAt(at.x, at.y));
    this.canvas.style.cursor = this.hoverId ? 'pointer' : 'grab';
  };

  private readonly onWheel = (event: WheelEvent) => {
    event.preventDefault();
    const at = this.point(event);
    // Lines and pages (Firefox) count as ~16 px; trackpad pinches arrive as ctrl+wheel with small deltas.
    const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaMode === 2 ? event.deltaY * 400 : event.deltaY;
    const factor = Math.exp(-delta * (event.ctrlKey ? 0.01 : 0.0015));
    this.setCamera(zoomAt(this.camera, factor, at.x, at.y), true);
  };
}
