package dev.vlmr1.studio.dataset;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Turns on {@code @Scheduled} for the hourly orphan-image sweep. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class DatasetScheduling {

}
