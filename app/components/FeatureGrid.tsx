import type { ReactNode } from 'react';
import { Card } from './Card';
import type { FeatureIconName } from './FeatureIcon';
import { FeatureIcon } from './FeatureIcon';

export interface Feature {
  icon: FeatureIconName;
  title: string;
  description: string;
  /** Wide cards span two columns on desktop and may show an illustration. */
  wide?: boolean;
  illustration?: ReactNode;
}

export function FeatureGrid({ features }: { features: readonly Feature[] }) {
  return (
    <ul className="grid grid-cols-1 gap-5 md:grid-cols-2 lg:grid-cols-3">
      {features.map((feature) => (
        <Card
          as="li"
          key={feature.title}
          className={`flex min-w-0 flex-col p-6 sm:p-7 ${feature.wide ? 'lg:col-span-2' : ''}`}
        >
          <div
            className={
              feature.wide ? 'grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.1fr)] lg:items-center' : ''
            }
          >
            <div>
              <FeatureIcon name={feature.icon} />
              <h3 className="mt-5 text-lg font-semibold text-ink">{feature.title}</h3>
              <p className="mt-2 text-[15px] leading-relaxed text-ink-muted">{feature.description}</p>
            </div>
            {feature.illustration ? <div aria-hidden="true">{feature.illustration}</div> : null}
          </div>
        </Card>
      ))}
    </ul>
  );
}
