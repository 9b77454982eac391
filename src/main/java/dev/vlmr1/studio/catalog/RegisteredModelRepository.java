package dev.vlmr1.studio.catalog;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

interface RegisteredModelRepository extends JpaRepository<RegisteredModel, Long> {

	List<RegisteredModel> findByOwnerIdOrderByIdDesc(long ownerId);

	List<RegisteredModel> findAllByOrderByIdDesc();

	boolean existsByOwnerIdAndName(long ownerId, String name);

}
