import { ButtonLink } from './Button';
import { Container } from './Container';

/** The closing band on marketing pages. */
export function CallToAction({ title, description }: { title: string; description: string }) {
  return (
    <section aria-labelledby="cta-heading" className="py-20 sm:py-24">
      <Container>
        <div className="relative isolate overflow-hidden rounded-3xl bg-brand-700 px-6 py-14 text-center shadow-lift sm:px-12 sm:py-20">
          <div
            aria-hidden="true"
            className="absolute inset-0 -z-10 bg-[radial-gradient(60%_80%_at_50%_0%,rgb(148_132_248/0.55),transparent_70%),radial-gradient(40%_60%_at_100%_100%,rgb(56_43_127/0.9),transparent)]"
          />
          <h2
            id="cta-heading"
            className="mx-auto max-w-2xl text-3xl font-semibold tracking-tight text-balance text-white sm:text-4xl"
          >
            {title}
          </h2>
          <p className="mx-auto mt-4 max-w-xl text-lg leading-relaxed text-brand-100">{description}</p>
          <div className="mt-9 flex flex-col justify-center gap-3 sm:flex-row">
            <ButtonLink to="/signup" variant="inverse" size="lg">
              Start free
            </ButtonLink>
            <ButtonLink to="/demo" variant="inverseOutline" size="lg">
              Try the live demo
            </ButtonLink>
          </div>
        </div>
      </Container>
    </section>
  );
}
